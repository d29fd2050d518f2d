package io.jmir.engine;

/**
 * An event does not fit the slot capacity of its destination. Thrown at emission; events are never truncated.
 * Raise the slot capacity ({@code Node.Context.slotCapacity}) or split the event.
 */
public final class EventTooLargeException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int required;
    private final int capacity;

    /**
     * @param required bytes the event needs at least.
     * @param capacity bytes the slot holds.
     */
    public EventTooLargeException(final int required, final int capacity)
    {
        super("event needs at least " + required + " bytes but the destination slot capacity is " + capacity +
            " bytes (raise slotCapacity or split the event)");
        this.required = required;
        this.capacity = capacity;
    }

    /**
     * @param message full description.
     * @param cause   the underlying bounds error.
     */
    public EventTooLargeException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.required = -1;
        this.capacity = -1;
    }

    /**
     * @return bytes needed at least, or -1 when unknown.
     */
    public int required()
    {
        return required;
    }

    /**
     * @return slot capacity in bytes, or -1 when unknown.
     */
    public int capacity()
    {
        return capacity;
    }
}
