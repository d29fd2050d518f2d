package io.jmir.protocols.iss;

import io.jmir.codecs.engine.BooleanType;
import io.jmir.codecs.engine.SignResultDecoder;
import io.jmir.codecs.engine.VerifyResultDecoder;
import io.jmir.engine.Event;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Routes the crypto module's answers to the ISS parts that asked (by the kind bits of the correlation id): the
 * signature of this node's checkpoint statement, the verdict on a peer's SignedCheckpoint, the verdict on a fetched
 * certificate.
 * <p>
 * <b>Threading:</b> protocol module thread only.
 */
final class IssCryptoResults
{
    private final SignResultDecoder signResult = new SignResultDecoder();
    private final VerifyResultDecoder verifyResult = new VerifyResultDecoder();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final IssCheckpoints checkpoints;
    private final IssStateTransfer stateTransfer;

    IssCryptoResults(final IssCheckpoints checkpoints, final IssStateTransfer stateTransfer)
    {
        this.checkpoints = checkpoints;
        this.stateTransfer = stateTransfer;
    }

    void onSignResult(final Event event)
    {
        event.decode(signResult);
        final long correlationId = signResult.correlationId();
        signResult.wrapSignature(view);
        if ((correlationId & IssPublisher.KIND_MASK) == IssPublisher.KIND_SIGN)
        {
            checkpoints.onSigned(correlationId & ~IssPublisher.KIND_MASK, view, 0, view.capacity());
        }
    }

    void onVerifyResult(final Event event)
    {
        event.decode(verifyResult);
        final long correlationId = verifyResult.correlationId();
        final boolean valid = verifyResult.allValid() == BooleanType.TRUE;
        final long kind = correlationId & IssPublisher.KIND_MASK;
        if (kind == IssPublisher.KIND_VERIFY_VOTE)
        {
            checkpoints.onVoteVerified(correlationId & ~IssPublisher.KIND_MASK, valid);
        }
        else if (kind == IssPublisher.KIND_VERIFY_CERT)
        {
            stateTransfer.onCertificateVerified(correlationId & ~IssPublisher.KIND_MASK, valid);
        }
    }
}
