package io.jmir.protocols.iss;

import io.jmir.engine.sim.MessageMangler;
import io.jmir.protocols.codecs.CommitDecoder;
import io.jmir.protocols.codecs.MessageHeaderDecoder;
import io.jmir.protocols.codecs.PrepareDecoder;
import io.jmir.protocols.codecs.PreprepareDecoder;
import io.jmir.protocols.codecs.SignedCheckpointDecoder;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pass-through network mangler that records what every node ever said on the wire — its pre-prepare (batch)
 * and prepare and commit (digest) per (sequence number, view), its checkpoint digest per epoch — across crashes
 * and restarts, and lists every contradiction: the same node saying two different things for the same key.
 */
final class VoteRecorder implements MessageMangler
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PreprepareDecoder preprepare = new PreprepareDecoder();
    private final PrepareDecoder prepare = new PrepareDecoder();
    private final CommitDecoder commit = new CommitDecoder();
    private final SignedCheckpointDecoder checkpoint = new SignedCheckpointDecoder();
    private final Map<String, byte[]> said = new HashMap<>();
    private final List<String> contradictions = new ArrayList<>();
    private long recorded;

    @Override
    public void mangle(final int fromNode, final int toNode, final DirectBuffer message, final int offset,
        final int length, final Output output)
    {
        record(fromNode, message, offset, length);
        output.send(message, offset, length);
    }

    private void record(final int from, final DirectBuffer message, final int offset, final int length)
    {
        header.wrap(message, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final byte[] content;
        final String key;
        switch (header.templateId())
        {
            case PreprepareDecoder.TEMPLATE_ID:
                preprepare.wrap(message, body, header.blockLength(), header.version());
                key = "preprepare/" + from + "/" + preprepare.seqNo() + "/" + preprepare.view();
                content = new byte[offset + length - preprepare.limit()];
                message.getBytes(preprepare.limit(), content);
                break;
            case PrepareDecoder.TEMPLATE_ID:
                prepare.wrap(message, body, header.blockLength(), header.version());
                key = "prepare/" + from + "/" + prepare.seqNo() + "/" + prepare.view();
                content = new byte[32];
                prepare.getDigest(content, 0, 32);
                break;
            case CommitDecoder.TEMPLATE_ID:
                commit.wrap(message, body, header.blockLength(), header.version());
                key = "commit/" + from + "/" + commit.seqNo() + "/" + commit.view();
                content = new byte[32];
                commit.getDigest(content, 0, 32);
                break;
            case SignedCheckpointDecoder.TEMPLATE_ID:
                checkpoint.wrap(message, body, header.blockLength(), header.version());
                key = "checkpoint/" + from + "/" + checkpoint.epoch();
                content = new byte[32];
                checkpoint.getDigest(content, 0, 32);
                break;
            default:
                return;
        }
        recorded++;
        final byte[] previous = said.putIfAbsent(key, content);
        if (previous != null && !Arrays.equals(previous, content))
        {
            contradictions.add(key);
        }
    }

    List<String> contradictions()
    {
        return contradictions;
    }

    long recorded()
    {
        return recorded;
    }
}
