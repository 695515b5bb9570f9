package io.relink.platform.rest;

/** The JSON body of every 4xx/5xx answer of a Relink API: a stable code and a sentence for people. */
public record ApiError(String error, String message) {
}
