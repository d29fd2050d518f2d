package io.jmir.engine.modules.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies the items of a {@link VerifyJob}. Stateless apart from its scratch state: one instance per thread
 * (the module's own for inline verification, one per worker). Never throws for bad input: anything that cannot
 * be verified is invalid.
 */
final class Verifier
{
    private final Ed25519Signer signer = new Ed25519Signer();
    private final HmacKey.Mac mac = new HmacKey.Mac();
    private final byte[] signature = new byte[KeyRegistry.SIGNATURE_LENGTH];

    boolean verify(final VerifyJob job, final int item)
    {
        final Object key = job.key[item];
        try
        {
            if (job.scheme[item] == VerifyJob.ED25519 && key instanceof Ed25519PublicKeyParameters)
            {
                return verifyEd25519(job, item, (Ed25519PublicKeyParameters)key);
            }
            if (job.scheme[item] == VerifyJob.HMAC && key instanceof HmacKey)
            {
                return mac.verify((HmacKey)key, job.data, job.messageOffset[item], job.messageLength[item],
                    job.data, job.signatureOffset[item], job.signatureLength[item]);
            }
            return false;
        }
        catch (final RuntimeException ex)
        {
            signer.reset();
            return false;
        }
    }

    private boolean verifyEd25519(final VerifyJob job, final int item, final Ed25519PublicKeyParameters key)
    {
        if (job.signatureLength[item] != KeyRegistry.SIGNATURE_LENGTH)
        {
            return false;
        }
        System.arraycopy(job.data, job.signatureOffset[item], signature, 0, KeyRegistry.SIGNATURE_LENGTH);
        signer.init(false, key);
        signer.update(job.data, job.messageOffset[item], job.messageLength[item]);
        return signer.verifySignature(signature);
    }
}
