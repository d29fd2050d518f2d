package io.jmir.codecs;

import io.jmir.codecs.engine.ClientRequestEncoder;
import io.jmir.codecs.engine.DeliverBatchEncoder;
import io.jmir.codecs.engine.EnvelopeEncoder;
import io.jmir.codecs.engine.HashRequestEncoder;
import io.jmir.codecs.engine.HashResultEncoder;
import io.jmir.codecs.engine.InitEncoder;
import io.jmir.codecs.engine.MessageReceivedEncoder;
import io.jmir.codecs.engine.RequestStoreGcEncoder;
import io.jmir.codecs.engine.RequestStoreGetEncoder;
import io.jmir.codecs.engine.RequestStorePutEncoder;
import io.jmir.codecs.engine.RequestStoreResultEncoder;
import io.jmir.codecs.engine.RestoreStateEncoder;
import io.jmir.codecs.engine.SendMessageEncoder;
import io.jmir.codecs.engine.SignRequestEncoder;
import io.jmir.codecs.engine.SignResultEncoder;
import io.jmir.codecs.engine.SnapshotRequestEncoder;
import io.jmir.codecs.engine.SnapshotResultEncoder;
import io.jmir.codecs.engine.TickEncoder;
import io.jmir.codecs.engine.TimerCancelEncoder;
import io.jmir.codecs.engine.TimerFiredEncoder;
import io.jmir.codecs.engine.TimerSetEncoder;
import io.jmir.codecs.engine.VerifyRequestEncoder;
import io.jmir.codecs.engine.VerifyResultEncoder;
import io.jmir.codecs.engine.WalAppendEncoder;
import io.jmir.codecs.engine.WalEntryLoadedEncoder;
import io.jmir.codecs.engine.WalTruncateEncoder;

/**
 * Template ids and names of the engine schema's events (schema id 1). Constants only.
 */
public final class EngineEvents
{
    /** Envelope. */
    public static final int ENVELOPE = EnvelopeEncoder.TEMPLATE_ID;
    /** Init. */
    public static final int INIT = InitEncoder.TEMPLATE_ID;
    /** Tick. */
    public static final int TICK = TickEncoder.TEMPLATE_ID;
    /** HashRequest. */
    public static final int HASH_REQUEST = HashRequestEncoder.TEMPLATE_ID;
    /** HashResult. */
    public static final int HASH_RESULT = HashResultEncoder.TEMPLATE_ID;
    /** SignRequest. */
    public static final int SIGN_REQUEST = SignRequestEncoder.TEMPLATE_ID;
    /** SignResult. */
    public static final int SIGN_RESULT = SignResultEncoder.TEMPLATE_ID;
    /** VerifyRequest. */
    public static final int VERIFY_REQUEST = VerifyRequestEncoder.TEMPLATE_ID;
    /** VerifyResult. */
    public static final int VERIFY_RESULT = VerifyResultEncoder.TEMPLATE_ID;
    /** WalAppend. */
    public static final int WAL_APPEND = WalAppendEncoder.TEMPLATE_ID;
    /** WalTruncate. */
    public static final int WAL_TRUNCATE = WalTruncateEncoder.TEMPLATE_ID;
    /** WalEntryLoaded. */
    public static final int WAL_ENTRY_LOADED = WalEntryLoadedEncoder.TEMPLATE_ID;
    /** SendMessage. */
    public static final int SEND_MESSAGE = SendMessageEncoder.TEMPLATE_ID;
    /** MessageReceived. */
    public static final int MESSAGE_RECEIVED = MessageReceivedEncoder.TEMPLATE_ID;
    /** ClientRequest. */
    public static final int CLIENT_REQUEST = ClientRequestEncoder.TEMPLATE_ID;
    /** DeliverBatch. */
    public static final int DELIVER_BATCH = DeliverBatchEncoder.TEMPLATE_ID;
    /** SnapshotRequest. */
    public static final int SNAPSHOT_REQUEST = SnapshotRequestEncoder.TEMPLATE_ID;
    /** SnapshotResult. */
    public static final int SNAPSHOT_RESULT = SnapshotResultEncoder.TEMPLATE_ID;
    /** RestoreState. */
    public static final int RESTORE_STATE = RestoreStateEncoder.TEMPLATE_ID;
    /** TimerSet. */
    public static final int TIMER_SET = TimerSetEncoder.TEMPLATE_ID;
    /** TimerCancel. */
    public static final int TIMER_CANCEL = TimerCancelEncoder.TEMPLATE_ID;
    /** TimerFired. */
    public static final int TIMER_FIRED = TimerFiredEncoder.TEMPLATE_ID;
    /** RequestStorePut. */
    public static final int REQUEST_STORE_PUT = RequestStorePutEncoder.TEMPLATE_ID;
    /** RequestStoreGet. */
    public static final int REQUEST_STORE_GET = RequestStoreGetEncoder.TEMPLATE_ID;
    /** RequestStoreResult. */
    public static final int REQUEST_STORE_RESULT = RequestStoreResultEncoder.TEMPLATE_ID;
    /** RequestStoreGc. */
    public static final int REQUEST_STORE_GC = RequestStoreGcEncoder.TEMPLATE_ID;

    private static final String[] NAMES = new String[REQUEST_STORE_GC + 1];

    static
    {
        NAMES[ENVELOPE] = "Envelope";
        NAMES[INIT] = "Init";
        NAMES[TICK] = "Tick";
        NAMES[HASH_REQUEST] = "HashRequest";
        NAMES[HASH_RESULT] = "HashResult";
        NAMES[SIGN_REQUEST] = "SignRequest";
        NAMES[SIGN_RESULT] = "SignResult";
        NAMES[VERIFY_REQUEST] = "VerifyRequest";
        NAMES[VERIFY_RESULT] = "VerifyResult";
        NAMES[WAL_APPEND] = "WalAppend";
        NAMES[WAL_TRUNCATE] = "WalTruncate";
        NAMES[WAL_ENTRY_LOADED] = "WalEntryLoaded";
        NAMES[SEND_MESSAGE] = "SendMessage";
        NAMES[MESSAGE_RECEIVED] = "MessageReceived";
        NAMES[CLIENT_REQUEST] = "ClientRequest";
        NAMES[DELIVER_BATCH] = "DeliverBatch";
        NAMES[SNAPSHOT_REQUEST] = "SnapshotRequest";
        NAMES[SNAPSHOT_RESULT] = "SnapshotResult";
        NAMES[RESTORE_STATE] = "RestoreState";
        NAMES[TIMER_SET] = "TimerSet";
        NAMES[TIMER_CANCEL] = "TimerCancel";
        NAMES[TIMER_FIRED] = "TimerFired";
        NAMES[REQUEST_STORE_PUT] = "RequestStorePut";
        NAMES[REQUEST_STORE_GET] = "RequestStoreGet";
        NAMES[REQUEST_STORE_RESULT] = "RequestStoreResult";
        NAMES[REQUEST_STORE_GC] = "RequestStoreGc";
    }

    private EngineEvents()
    {
    }

    /**
     * @return a copy of the names indexed by template id (null where no template).
     */
    public static String[] templateNames()
    {
        return NAMES.clone();
    }
}
