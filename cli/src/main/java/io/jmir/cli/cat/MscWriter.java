package io.jmir.cli.cat;

import io.jmir.cli.decode.DecodedMessage;
import io.jmir.cli.decode.SbeDecoder;
import io.jmir.journal.JournalFields;
import io.jmir.journal.read.JournalRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Collects the messages between nodes from event log records and writes them as an mscgen message sequence
 * chart. A message delivered to a node whose log was given is drawn from that node's {@code MessageReceived}
 * (arc fromNode =&gt; B, at B's timestamp); a message sent to a node whose log was not given is drawn from the
 * sender's {@code SendMessage} (one arc A =&gt; d per such destination d, at A's timestamp). Arcs are labelled
 * with the message's SBE type name and ordered by timestamp across all logs (per-node clocks: with logs of
 * several processes the order between nodes is only as good as their clocks).
 * <p>
 * <b>Threading:</b> one thread.
 */
public final class MscWriter
{
    private record Arc(long timeNs, long seq, long from, long to, String label, boolean received)
    {
    }

    private final SbeDecoder decoder;
    private final List<Arc> arcs = new ArrayList<>();
    private final TreeSet<Long> loggedNodes = new TreeSet<>();

    /**
     * @param decoder for the envelopes and the messages inside them.
     */
    public MscWriter(final SbeDecoder decoder)
    {
        this.decoder = decoder;
    }

    /**
     * Take a record into account (others than SendMessage and MessageReceived events are ignored).
     *
     * @param record from an event log.
     */
    public void add(final JournalRecord record)
    {
        if (!JournalFields.TYPE_EVENT.equals(record.type()))
        {
            return;
        }
        loggedNodes.add(record.getLong(JournalFields.NODE, -1));
        final String event = record.getText(JournalFields.EVENT);
        final boolean received = "MessageReceived".equals(event);
        if (!received && !"SendMessage".equals(event))
        {
            return;
        }
        final byte[] bytes = record.getBytes(JournalFields.ENVELOPE);
        final DecodedMessage envelope = bytes == null ? null : decoder.decode(bytes);
        if (envelope == null || !(envelope.get("payload") instanceof DecodedMessage payload))
        {
            return;
        }
        final long node = record.getLong(JournalFields.NODE, -1);
        final long time = record.getLong(JournalFields.TIME_NS, 0);
        final long seq = record.getLong(JournalFields.SEQ, 0);
        final String label = label(payload.get("message"));
        if (received)
        {
            arcs.add(new Arc(time, seq, asLong(payload.get("fromNode")), node, label, true));
        }
        else if (payload.get("destinations") instanceof List<?> destinations)
        {
            for (final Object destination : destinations)
            {
                if (destination instanceof Map<?, ?> entry)
                {
                    arcs.add(new Arc(time, seq, node, asLong(entry.get("nodeId")), label, false));
                }
            }
        }
    }

    /**
     * @return number of arcs the chart will have.
     */
    public int arcCount()
    {
        return (int)selected().count();
    }

    /**
     * @return the chart in mscgen syntax.
     */
    public String render()
    {
        final TreeSet<Long> nodes = new TreeSet<>();
        selected().forEach((arc) ->
        {
            nodes.add(arc.from);
            nodes.add(arc.to);
        });
        final StringBuilder sb = new StringBuilder("msc {\n  hscale = \"1.5\";\n");
        if (!nodes.isEmpty())
        {
            sb.append("  ");
            boolean first = true;
            for (final long node : nodes)
            {
                sb.append(first ? "" : ", ").append(id(node)).append(" [label=\"node ").append(node).append("\"]");
                first = false;
            }
            sb.append(";\n");
        }
        selected().sorted(Comparator.comparingLong(Arc::timeNs).thenComparingLong(Arc::seq)).forEach((arc) ->
            sb.append("  ").append(id(arc.from)).append(" => ").append(id(arc.to))
                .append(" [label=\"").append(arc.label.replace("\"", "'")).append("\"];\n"));
        return sb.append("}\n").toString();
    }

    private java.util.stream.Stream<Arc> selected()
    {
        return arcs.stream().filter((arc) -> arc.received || !loggedNodes.contains(arc.to));
    }

    private static String id(final long node)
    {
        return node < 0 ? "unknown" : "n" + node;
    }

    private static long asLong(final Object value)
    {
        return value instanceof Long number ? number : -1;
    }

    private static String label(final Object message)
    {
        if (message instanceof DecodedMessage decoded)
        {
            return decoded.name();
        }
        if (message instanceof DecodedMessage.Hex hex)
        {
            return "message (" + hex.bytes().length + " bytes)";
        }
        return message == null ? "message" : "\"" + message + "\"";
    }
}
