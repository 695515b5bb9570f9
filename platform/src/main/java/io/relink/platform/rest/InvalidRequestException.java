package io.relink.platform.rest;

/** Bad input to an API: answered 400 with an {@link ApiError} that says what to send instead. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
