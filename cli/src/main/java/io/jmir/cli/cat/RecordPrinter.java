package io.jmir.cli.cat;

import io.jmir.cli.decode.DecodedMessage;
import io.jmir.cli.decode.Rendering;
import io.jmir.cli.decode.SbeDecoder;
import io.jmir.journal.JournalFields;
import io.jmir.journal.read.JournalRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints journal records, every SBE field decoded: one line of text per record, or one JSON object per line.
 * <pre>
 *   0x100000005 #3 t=1763702400123456789 node=0 protocol&lt;-external Tick{nowNs=1, tickCount=2}
 *   0x100000007 #5 t=... node=0 wal&lt;-protocol WalAppend{retentionIndex=1, entry=Tick{...}} next=[sink:Tick{...}]
 *   0x200000001 WalEntry node=0 retentionIndex=1 Tick{nowNs=0, tickCount=1}
 * </pre>
 * <b>Threading:</b> one thread.
 */
public final class RecordPrinter
{
    private final SbeDecoder decoder;
    private final boolean json;
    private String[] moduleNames = new String[0];

    /**
     * @param decoder for the SBE bytes.
     * @param json    true for JSON lines.
     */
    public RecordPrinter(final SbeDecoder decoder, final boolean json)
    {
        this.decoder = decoder;
        this.json = json;
    }

    /**
     * @param names module names in id order (from the journal header), used to name follow-up destinations.
     */
    public void moduleNames(final String[] names)
    {
        this.moduleNames = names.clone();
    }

    /**
     * @param record to format.
     * @return one line.
     */
    public String format(final JournalRecord record)
    {
        if (JournalFields.TYPE_HEADER.equals(record.type()) && record.has(JournalFields.MODULES))
        {
            moduleNames(record.getText(JournalFields.MODULES).split(","));
        }
        return json ? json(record) : text(record);
    }

    private String text(final JournalRecord record)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("0x").append(Long.toHexString(record.index())).append(' ');
        if (record.error() != null)
        {
            return sb.append("UNREADABLE ").append(record.error()).toString();
        }
        if (JournalFields.TYPE_EVENT.equals(record.type()))
        {
            sb.append('#').append(record.getLong(JournalFields.SEQ, -1))
                .append(" t=").append(record.getLong(JournalFields.TIME_NS, -1))
                .append(" node=").append(record.getLong(JournalFields.NODE, -1)).append(' ')
                .append(record.getText(JournalFields.MODULE)).append("<-").append(record.getText(JournalFields.SOURCE))
                .append(' ');
            appendEnvelope(sb, record.getBytes(JournalFields.ENVELOPE));
            return sb.toString();
        }
        sb.append(record.type());
        for (final Map.Entry<String, Object> field : record.fields().entrySet())
        {
            final String name = field.getKey();
            if (JournalFields.TYPE.equals(name) || JournalFields.ENTRY_TYPE.equals(name) ||
                JournalFields.CRC.equals(name))
            {
                continue;
            }
            sb.append(' ');
            if (field.getValue() instanceof byte[] bytes)
            {
                if (!JournalFields.ENTRY.equals(name))
                {
                    sb.append(name).append('=');
                }
                Rendering.appendText(sb, decoder.decodeBytes(new org.agrona.concurrent.UnsafeBuffer(bytes), 0,
                    bytes.length));
            }
            else
            {
                sb.append(name).append('=');
                Rendering.appendText(sb, field.getValue() instanceof String s && !JournalFields.TYPE.equals(name) ?
                    new DecodedMessage.Symbol(s) : field.getValue());
            }
        }
        return sb.toString();
    }

    /**
     * Format an envelope as text: its payload decoded and its follow-ups ({@code next=[module:Payload{...}]}).
     *
     * @param bytes the envelope.
     * @return one line.
     */
    public String envelopeText(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        appendEnvelope(sb, bytes);
        return sb.toString();
    }

    private void appendEnvelope(final StringBuilder sb, final byte[] bytes)
    {
        final DecodedMessage envelope = bytes == null ? null : decoder.decode(bytes);
        if (envelope == null)
        {
            sb.append("(undecodable envelope ").append(bytes == null ? 0 : bytes.length).append(" bytes)");
            return;
        }
        appendEnvelopeBody(sb, envelope);
    }

    private void appendEnvelopeBody(final StringBuilder sb, final DecodedMessage envelope)
    {
        Rendering.appendText(sb, envelope.get("payload"));
        final Object followUps = envelope.get("followUps");
        if (followUps instanceof List<?> list && !list.isEmpty())
        {
            sb.append(" next=[");
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    sb.append(", ");
                }
                if (list.get(i) instanceof DecodedMessage followUp)
                {
                    sb.append(moduleName(followUp.get("destination"))).append(':');
                    appendEnvelopeBody(sb, followUp);
                }
                else
                {
                    Rendering.appendText(sb, list.get(i));
                }
            }
            sb.append(']');
        }
    }

    private String json(final JournalRecord record)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        object.put("index", "0x" + Long.toHexString(record.index()));
        if (record.error() != null)
        {
            object.put("type", JournalRecord.UNREADABLE);
            object.put("error", record.error());
            return Rendering.json(object);
        }
        for (final Map.Entry<String, Object> field : record.fields().entrySet())
        {
            if (field.getValue() instanceof byte[] bytes)
            {
                object.put(field.getKey(), decoder.decodeBytes(new org.agrona.concurrent.UnsafeBuffer(bytes), 0,
                    bytes.length));
            }
            else
            {
                object.put(field.getKey(), field.getValue());
            }
        }
        return Rendering.json(object);
    }

    private String moduleName(final Object id)
    {
        if (id instanceof Long value && value >= 0 && value < moduleNames.length)
        {
            return moduleNames[value.intValue()];
        }
        return "module-" + id;
    }
}
