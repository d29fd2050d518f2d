package io.jmir.journal;

/**
 * Names of the fields and document types of jmir journals. Every excerpt of every jmir journal is a Chronicle
 * Wire document whose first field is {@link #TYPE}; the rest depends on the type:
 * <pre>
 *   JournalHeader  journal, node, format, schemaId, schemaVersion, sessionStart, recoveredUpTo,
 *                  truncatedBelow, nodeCount, modules            (first excerpt of every roll cycle)
 *   WalEntry       node, retentionIndex, entryType, entry, crc   (WAL: one appended entry)
 *   WalTruncate    node, retentionIndex                          (WAL: entries below are dropped)
 *   Event          node, seq, timeNs, module, moduleId, source, sourceId, event, envelope   (event log)
 *   RequestPut     node, clientId, requestNo, retentionIndex, payload, crc    (request store)
 *   RequestGc      node, retentionIndex                                       (request store)
 * </pre>
 * Binary fields ({@link #ENTRY}, {@link #ENVELOPE}, {@link #PAYLOAD}) hold SBE bytes; Chronicle's reader prints
 * them as base64, {@code jmir cat} decodes them. Constants only.
 */
public final class JournalFields
{
    /** Wire format version of jmir journals written by this build. */
    public static final int FORMAT_VERSION = 1;

    /** Field: document type, always first. */
    public static final String TYPE = "type";
    /** Field: journal kind name ({@link JournalKind#dirName()}). */
    public static final String JOURNAL = "journal";
    /** Field: node id. */
    public static final String NODE = "node";
    /** Field: journal wire format version. */
    public static final String FORMAT = "format";
    /** Field: SBE schema id of the events in the journal. */
    public static final String SCHEMA_ID = "schemaId";
    /** Field: SBE schema version the journal was written with. */
    public static final String SCHEMA_VERSION = "schemaVersion";
    /** Field: true in the first header a writer writes after opening the journal. */
    public static final String SESSION_START = "sessionStart";
    /** Field: index of the last entry recovered when the session started, -1 when none. */
    public static final String RECOVERED_UP_TO = "recoveredUpTo";
    /** Field: retention index below which entries are dropped. */
    public static final String TRUNCATED_BELOW = "truncatedBelow";
    /** Field: number of nodes in the cluster. */
    public static final String NODE_COUNT = "nodeCount";
    /** Field: module names in id order, comma separated. */
    public static final String MODULES = "modules";
    /** Field: retention index. */
    public static final String RETENTION_INDEX = "retentionIndex";
    /** Field: name of the SBE message type of a WAL entry ("opaque" when its header is not a known type). */
    public static final String ENTRY_TYPE = "entryType";
    /** Field: WAL entry bytes. */
    public static final String ENTRY = "entry";
    /** Field: CRC-32C over the retention index (8 bytes little endian) followed by the entry or payload. */
    public static final String CRC = "crc";
    /** Field: event log sequence number, from 0, in excerpt order. */
    public static final String SEQ = "seq";
    /** Field: timestamp in ns (wall-clock epoch ns in the pipeline runtime, virtual time in simulation). */
    public static final String TIME_NS = "timeNs";
    /** Field: name of the module the event was dispatched to. */
    public static final String MODULE = "module";
    /** Field: id of the module the event was dispatched to. */
    public static final String MODULE_ID = "moduleId";
    /** Field: name of the module that emitted the event ("external" for input from outside the node). */
    public static final String SOURCE = "source";
    /** Field: id of the module that emitted the event. */
    public static final String SOURCE_ID = "sourceId";
    /** Field: event type name. */
    public static final String EVENT = "event";
    /** Field: the whole envelope (engine schema template 1) with payload and follow-ups. */
    public static final String ENVELOPE = "envelope";
    /** Field: client id. */
    public static final String CLIENT_ID = "clientId";
    /** Field: client request number. */
    public static final String REQUEST_NO = "requestNo";
    /** Field: request payload. */
    public static final String PAYLOAD = "payload";

    /** Document type: journal header. */
    public static final String TYPE_HEADER = "JournalHeader";
    /** Document type: WAL entry. */
    public static final String TYPE_WAL_ENTRY = "WalEntry";
    /** Document type: WAL truncation marker. */
    public static final String TYPE_WAL_TRUNCATE = "WalTruncate";
    /** Document type: dispatched event. */
    public static final String TYPE_EVENT = "Event";
    /** Document type: stored request. */
    public static final String TYPE_REQUEST_PUT = "RequestPut";
    /** Document type: request store garbage collection marker. */
    public static final String TYPE_REQUEST_GC = "RequestGc";

    /** Entry type name written when a WAL entry does not start with a known SBE message header. */
    public static final String OPAQUE = "opaque";
    /** Source name of events from outside the node. */
    public static final String EXTERNAL = "external";

    private JournalFields()
    {
    }
}
