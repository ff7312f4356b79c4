package dev.dlp.data;

/** A missing, unreadable or malformed data file. The message names the file (and line/column where known). */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
