package io.jmir.benchmarks.codec;

import io.jmir.codecs.EnvelopeValidator;
import io.jmir.codecs.SchemaRegistry;
import io.jmir.codecs.engine.HashRequestDecoder;
import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.MessageHeaderDecoder;
import io.jmir.codecs.engine.MessageHeaderEncoder;
import io.jmir.codecs.engine.TickDecoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.engine.Event;
import io.jmir.engine.EventBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Codec cost of one event, single thread, no rings:
 * <pre>
 *   raw:           encoder --SBE message--> buffer --header decoder + decoder--> fields
 *   jmir:          EventBuilder (envelope + payload encoder) --> buffer --Event + decoder--> fields
 *   jmirValidated: as jmir, plus the full EnvelopeValidator pass (what the simulation runtime makes before every
 *                  dispatch, and what the pipeline runtime made before every dispatch until ADR 0006)
 *   jmirChecked:   as jmir, plus the emission check the pipeline runtime now makes once per hop, when the event is
 *                  committed (EnvelopeValidator.validateBuilt, ADR 0006)
 * </pre>
 * The event is a {@code Tick} (two int64 fields) or a {@code HashRequest} with one 64-byte item; decoding
 * reads every field and copies the item out, on every side alike. Each invocation encodes and decodes one
 * event into the same slot-sized direct buffer (a ring slot's shape), so the score is events per microsecond.
 * <p>
 * <b>Threading:</b> JMH thread only; every codec and buffer belongs to the benchmark state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class EnvelopeCodecBenchmark
{
    /** Bytes of the slot-sized buffer events are encoded into. */
    public static final int CAPACITY = 256;
    /** Bytes of the HashRequest item. */
    public static final int ITEM_LENGTH = 64;
    private static final int DESTINATION = 1;
    private static final int SOURCE = 0;
    private static final int MODULE_COUNT = 2;

    /** Event type encoded and decoded. */
    @Param({"TICK", "HASH_REQUEST_64B"})
    public String message;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY));
    private final UnsafeBuffer item = new UnsafeBuffer(ByteBuffer.allocateDirect(ITEM_LENGTH));
    private final UnsafeBuffer itemCopy = new UnsafeBuffer(ByteBuffer.allocateDirect(ITEM_LENGTH));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TickEncoder tickEncoder = new TickEncoder();
    private final TickDecoder tickDecoder = new TickDecoder();
    private final HashRequestEncoder hashRequestEncoder = new HashRequestEncoder();
    private final HashRequestDecoder hashRequestDecoder = new HashRequestDecoder();
    private final RecordingEventSink sink = new RecordingEventSink(CAPACITY);
    private final EventBuilder builder = new EventBuilder();
    private final Event event = new Event();
    private final EnvelopeValidator validator = new EnvelopeValidator(new SchemaRegistry());
    private boolean hashRequest;
    private long sequence;

    /**
     * Pick the message and fill the item.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        if (!"TICK".equals(message) && !"HASH_REQUEST_64B".equals(message))
        {
            throw new IllegalArgumentException("message must be TICK or HASH_REQUEST_64B: " + message);
        }
        hashRequest = "HASH_REQUEST_64B".equals(message);
        for (int i = 0; i < ITEM_LENGTH; i++)
        {
            item.putByte(i, (byte)i);
        }
    }

    /**
     * Raw generated SBE: encode the message with its header, decode it by header (schema, template, block
     * length, version).
     *
     * @return a digest of the decoded fields.
     */
    @Benchmark
    public long raw()
    {
        final long value = ++sequence;
        final int length = hashRequest ? encodeHashRequest(0, value) : encodeTick(0, value);
        headerDecoder.wrap(buffer, 0);
        if (headerDecoder.schemaId() != TickDecoder.SCHEMA_ID)
        {
            throw new IllegalStateException("unexpected schema " + headerDecoder.schemaId());
        }
        final int bodyOffset = MessageHeaderDecoder.ENCODED_LENGTH;
        switch (headerDecoder.templateId())
        {
            case TickDecoder.TEMPLATE_ID:
                tickDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
                return readTick() + length;
            case HashRequestDecoder.TEMPLATE_ID:
                hashRequestDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
                return readHashRequest() + length;
            default:
                throw new IllegalStateException("unexpected template " + headerDecoder.templateId());
        }
    }

    /**
     * jmir: encode through {@link EventBuilder} into an envelope, decode through {@link Event}.
     *
     * @return a digest of the decoded fields.
     */
    @Benchmark
    public long jmir()
    {
        encodeEnvelope();
        return decodeEnvelope(sink.offset(), sink.length());
    }

    /**
     * jmir plus the emission check of the pipeline runtime ({@link EnvelopeValidator#validateBuilt}).
     *
     * @return a digest of the decoded fields.
     */
    @Benchmark
    public long jmirChecked()
    {
        encodeEnvelope();
        final int offset = sink.offset();
        final int length = sink.length();
        final EnvelopeValidator.Result result = validator.validateBuilt(buffer, offset, length, MODULE_COUNT);
        if (result != EnvelopeValidator.Result.OK)
        {
            throw new IllegalStateException("envelope rejected: " + result);
        }
        return decodeEnvelope(offset, length);
    }

    /**
     * jmir plus full envelope validation (the simulation runtime's check before every dispatch).
     *
     * @return a digest of the decoded fields.
     */
    @Benchmark
    public long jmirValidated()
    {
        encodeEnvelope();
        final int offset = sink.offset();
        final int length = sink.length();
        final EnvelopeValidator.Result result = validator.validate(buffer, offset, length, MODULE_COUNT);
        if (result != EnvelopeValidator.Result.OK)
        {
            throw new IllegalStateException("envelope rejected: " + result);
        }
        return decodeEnvelope(offset, length);
    }

    private void encodeEnvelope()
    {
        final long value = ++sequence;
        final EventBuilder b = builder.begin(sink, buffer, 0, CAPACITY, DESTINATION, SOURCE);
        if (hashRequest)
        {
            encodeHashRequest(b.payloadOffset(), value);
            b.payload(hashRequestEncoder);
        }
        else
        {
            encodeTick(b.payloadOffset(), value);
            b.payload(tickEncoder);
        }
        b.commit();
    }

    private long decodeEnvelope(final int offset, final int length)
    {
        final Event e = event.wrap(buffer, offset, length);
        if (e.schemaId() != TickDecoder.SCHEMA_ID || e.destination() != DESTINATION)
        {
            throw new IllegalStateException("unexpected schema " + e.schemaId());
        }
        switch (e.templateId())
        {
            case TickDecoder.TEMPLATE_ID:
                e.decode(tickDecoder);
                return readTick() + e.length();
            case HashRequestDecoder.TEMPLATE_ID:
                e.decode(hashRequestDecoder);
                return readHashRequest() + e.length();
            default:
                throw new IllegalStateException("unexpected template " + e.templateId());
        }
    }

    private int encodeTick(final int offset, final long value)
    {
        tickEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder).nowNs(value).tickCount(value + 1);
        return MessageHeaderEncoder.ENCODED_LENGTH + tickEncoder.encodedLength();
    }

    private int encodeHashRequest(final int offset, final long value)
    {
        hashRequestEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(value)
            .itemsCount(1)
            .next()
            .putData(item, 0, ITEM_LENGTH);
        return MessageHeaderEncoder.ENCODED_LENGTH + hashRequestEncoder.encodedLength();
    }

    private long readTick()
    {
        return tickDecoder.nowNs() + tickDecoder.tickCount();
    }

    private long readHashRequest()
    {
        long digest = hashRequestDecoder.correlationId();
        final HashRequestDecoder.ItemsDecoder items = hashRequestDecoder.items();
        while (items.hasNext())
        {
            items.next();
            digest += items.getData(itemCopy, 0, items.dataLength());
            digest += itemCopy.getLong(0);
        }
        return digest;
    }
}
