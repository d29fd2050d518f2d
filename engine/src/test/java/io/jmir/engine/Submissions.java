package io.jmir.engine;

import org.agrona.DirectBuffer;

import java.util.concurrent.TimeUnit;

/**
 * Test helper: submit through a node's edge, retrying while it answers BACK_PRESSURED (as a real client does), for
 * at most 30 s.
 */
public final class Submissions
{
    private Submissions()
    {
    }

    public static SubmitResult submit(
        final Node node, final int module, final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        SubmitResult result;
        while ((result = node.submit(module, buffer, offset, length)) == SubmitResult.BACK_PRESSURED &&
            System.nanoTime() < deadline)
        {
            Thread.yield();
        }
        return result;
    }
}
