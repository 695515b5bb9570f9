package io.relink.nylas;

/** Nylas answered with an error or did not answer; the message never carries the code, a token or the secret. */
public final class NylasCallException extends RuntimeException {
    public NylasCallException(String message) {
        super(message);
    }
}
