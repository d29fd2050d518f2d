package io.jmir.journal;

/**
 * A journal directory was opened by the wrong owner: it belongs to another node, holds another kind of
 * journal, or was written with a schema or format version this build cannot read. Nothing was modified.
 */
public final class JournalMismatchException extends JournalException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what does not match, naming the journal, the expected and the found values.
     */
    public JournalMismatchException(final String message)
    {
        super(message);
    }
}
