package io.jmir.examples.client;

import io.jmir.codecs.engine.Scheme;

/**
 * Authenticates a client's requests: Ed25519 (one signature valid for every node) or HMAC-SHA256 (one MAC per
 * node, with the pairwise client-node key).
 * <p>
 * <b>Threading:</b> implementations are not thread safe; a {@link ClusterClient} calls its authenticator under
 * its lock.
 */
public interface ClientAuthenticator
{
    /**
     * @return the scheme, as the cluster's {@code clientAuthScheme}.
     */
    Scheme scheme();

    /**
     * @return true when each node needs its own authenticator (MACs), false when one serves all (signatures).
     */
    boolean perNode();

    /**
     * Authenticate the signed bytes of a request ({@link io.jmir.protocols.clients.RequestAuth#signable}).
     *
     * @param nodeId  node the authenticator is for (ignored when not {@link #perNode()}).
     * @param message the bytes.
     * @param length  number of bytes.
     * @return the signature or MAC (a new array).
     */
    byte[] authenticate(int nodeId, byte[] message, int length);
}
