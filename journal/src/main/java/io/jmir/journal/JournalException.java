package io.jmir.journal;

/**
 * A journal cannot be used: it is unreadable, damaged beyond what recovery tolerates, or the file system
 * refused an operation. The message names the journal directory and says what is wrong.
 */
public class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the journal.
     */
    public JournalException(final String message)
    {
        super(message);
    }

    /**
     * @param message what is wrong, naming the journal.
     * @param cause   underlying failure.
     */
    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
