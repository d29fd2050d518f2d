package io.jmir.engine.sim;

/**
 * Ready-made {@link MessageMangler}s for common faults and Byzantine behaviours. Each returned mangler is
 * stateless apart from its parameters and uses only the simulation's random generator, so it keeps runs
 * deterministic.
 */
public final class MessageManglers
{
    private MessageManglers()
    {
    }

    /**
     * @return a mangler that drops every message (a mute node when installed for one sender).
     */
    public static MessageMangler dropAll()
    {
        return (from, to, message, offset, length, output) ->
        {
        };
    }

    /**
     * @param toNode destination whose messages are dropped.
     * @return a mangler that drops messages to one node and passes the rest (selective omission).
     */
    public static MessageMangler dropTo(final int toNode)
    {
        return (from, to, message, offset, length, output) ->
        {
            if (to != toNode)
            {
                output.send(message, offset, length);
            }
        };
    }

    /**
     * @param copies how many times each message goes on the wire, at least 1.
     * @return a mangler that sends every message several times.
     */
    public static MessageMangler duplicate(final int copies)
    {
        if (copies < 1)
        {
            throw new IllegalArgumentException("copies must be at least 1: " + copies);
        }
        return (from, to, message, offset, length, output) ->
        {
            for (int i = 0; i < copies; i++)
            {
                output.send(message, offset, length);
            }
        };
    }

    /**
     * @param extraDelayNs added to every message's latency, at least 0.
     * @return a mangler that delays every message (a slow node).
     */
    public static MessageMangler delay(final long extraDelayNs)
    {
        if (extraDelayNs < 0)
        {
            throw new IllegalArgumentException("extraDelayNs must be at least 0: " + extraDelayNs);
        }
        return (from, to, message, offset, length, output) -> output.send(message, offset, length, extraDelayNs);
    }

    /**
     * @param probability that a message gets one random bit flipped, in [0, 1].
     * @return a mangler that corrupts messages: one random bit of the message flipped.
     */
    public static MessageMangler flipRandomBit(final double probability)
    {
        if (!(probability >= 0.0 && probability <= 1.0))
        {
            throw new IllegalArgumentException("probability must be in [0, 1]: " + probability);
        }
        return (from, to, message, offset, length, output) ->
        {
            if (length == 0 || output.random().nextDouble() >= probability)
            {
                output.send(message, offset, length);
                return;
            }
            final int bit = output.random().nextInt(length * 8);
            output.scratch().putBytes(0, message, offset, length);
            final int index = bit >>> 3;
            output.scratch().putByte(index, (byte)(output.scratch().getByte(index) ^ (1 << (bit & 7))));
            output.send(output.scratch(), 0, length);
        };
    }
}
