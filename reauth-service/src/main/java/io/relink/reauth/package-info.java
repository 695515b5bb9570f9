/** The reauth service; see its README for the topics it reads and writes and the endpoints it serves. */
package io.relink.reauth;
