package io.jmir.cli.config;

import io.jmir.codecs.engine.PrincipalKind;
import io.jmir.engine.ConfigurationException;
import io.jmir.engine.modules.crypto.KeyRegistry;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Key files of a cluster, as written by {@code jmir keys} into one directory:
 * <ul>
 *   <li>{@code cluster.secret}: 32 random bytes (hex). Nodes only: the transport's pairwise node keys and every
 *   node-client HMAC key derive from it ({@link KeyRegistry}).</li>
 *   <li>{@code node-N.key}: the node's Ed25519 key pair ({@code ed25519.private}, {@code ed25519.public}); node N
 *   only. Nodes sign their checkpoints with it.</li>
 *   <li>{@code node-N.pub}: node N's public key, read by every node (checkpoint certificates).</li>
 *   <li>{@code client-C.key}: what client C needs: its Ed25519 key pair and its HMAC key with each node
 *   ({@code mac.node.N}); hand it to that client only.</li>
 *   <li>{@code client-C.pub}: client C's public key, read by the nodes when clients sign (ED25519).</li>
 * </ul>
 * Private files are created with mode 600 where the file system supports it. All values are hex in
 * {@link Properties} files.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class KeyFiles
{
    /** Length of a generated cluster secret. */
    public static final int SECRET_LENGTH = 32;

    private KeyFiles()
    {
    }

    /**
     * A client's keys.
     *
     * @param clientId   client id.
     * @param privateKey Ed25519 private key (32 bytes).
     * @param publicKey  Ed25519 public key (32 bytes).
     * @param macKeys    HMAC key shared with each node, indexed by node id.
     */
    public record ClientKeys(int clientId, byte[] privateKey, byte[] publicKey, byte[][] macKeys)
    {
    }

    /**
     * Generate the key files of a cluster.
     *
     * @param directory   where to write them (created).
     * @param nodeCount   nodes.
     * @param clientCount clients.
     * @param random      randomness.
     * @throws IOException on write failure.
     */
    public static void generate(final Path directory, final int nodeCount, final int clientCount,
        final SecureRandom random) throws IOException
    {
        Files.createDirectories(directory);
        final byte[] secret = new byte[SECRET_LENGTH];
        random.nextBytes(secret);
        writePrivate(directory.resolve("cluster.secret"), HexFormat.of().formatHex(secret) + "\n");
        final KeyRegistry registry = new KeyRegistry(secret);
        for (int node = 0; node < nodeCount; node++)
        {
            final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
            final Properties properties = new Properties();
            properties.setProperty("nodeId", String.valueOf(node));
            properties.setProperty("ed25519.private", HexFormat.of().formatHex(key.getEncoded()));
            final String publicHex = HexFormat.of().formatHex(key.generatePublicKey().getEncoded());
            properties.setProperty("ed25519.public", publicHex);
            store(directory.resolve("node-" + node + ".key"), properties, true);
            final Properties pub = new Properties();
            pub.setProperty("nodeId", String.valueOf(node));
            pub.setProperty("ed25519.public", publicHex);
            store(directory.resolve("node-" + node + ".pub"), pub, false);
        }
        for (int client = 0; client < clientCount; client++)
        {
            final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(random);
            final String publicHex = HexFormat.of().formatHex(key.generatePublicKey().getEncoded());
            final Properties properties = new Properties();
            properties.setProperty("clientId", String.valueOf(client));
            properties.setProperty("ed25519.private", HexFormat.of().formatHex(key.getEncoded()));
            properties.setProperty("ed25519.public", publicHex);
            for (int node = 0; node < nodeCount; node++)
            {
                properties.setProperty("mac.node." + node, HexFormat.of().formatHex(
                    registry.macKey(PrincipalKind.NODE, node, PrincipalKind.CLIENT, client)));
            }
            store(directory.resolve("client-" + client + ".key"), properties, true);
            final Properties pub = new Properties();
            pub.setProperty("clientId", String.valueOf(client));
            pub.setProperty("ed25519.public", publicHex);
            store(directory.resolve("client-" + client + ".pub"), pub, false);
        }
    }

    /**
     * @param file a cluster secret file.
     * @return the secret.
     * @throws ConfigurationException naming {@code cluster.secretFile} when missing or invalid.
     */
    public static byte[] readSecret(final Path file)
    {
        try
        {
            final byte[] secret = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (secret.length < KeyRegistry.MIN_SECRET_LENGTH)
            {
                throw new ConfigurationException("cluster.secretFile", file + " holds " + secret.length +
                    " bytes, at least " + KeyRegistry.MIN_SECRET_LENGTH + " are needed");
            }
            return secret;
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("cluster.secretFile", "cannot read " + file + " (" + ex +
                "); generate keys with: jmir keys --nodes N --clients C --dir DIR");
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException("cluster.secretFile", file + " is not hex: " + ex.getMessage());
        }
    }

    /**
     * The key registry of a node: the cluster secret, its own key pair ({@code node-N.key}), every other node's
     * public key ({@code node-M.pub}) and the clients (public keys for ED25519, MAC-only otherwise).
     *
     * @param config the cluster.
     * @param nodeId the node.
     * @return the registry.
     */
    public static KeyRegistry nodeRegistry(final ClusterConfig config, final int nodeId)
    {
        final KeyRegistry registry = new KeyRegistry(readSecret(config.secretFile()));
        for (int node = 0; node < config.nodes().size(); node++)
        {
            if (node == nodeId)
            {
                final Path nodeKey = config.keysDirectory().resolve("node-" + node + ".key");
                registry.addKeyPair(PrincipalKind.NODE, node,
                    new Ed25519PrivateKeyParameters(hex(load(nodeKey), "ed25519.private", nodeKey), 0));
            }
            else
            {
                final Path file = config.keysDirectory().resolve("node-" + node + ".pub");
                registry.addPublicKey(PrincipalKind.NODE, node,
                    new Ed25519PublicKeyParameters(hex(load(file), "ed25519.public", file), 0));
            }
        }
        for (int client = 0; client < config.clientCount(); client++)
        {
            if (config.clientAuth() == io.jmir.codecs.engine.Scheme.ED25519)
            {
                final Path file = config.keysDirectory().resolve("client-" + client + ".pub");
                registry.addPublicKey(PrincipalKind.CLIENT, client,
                    new Ed25519PublicKeyParameters(hex(load(file), "ed25519.public", file), 0));
            }
            else
            {
                registry.addClient(client);
            }
        }
        return registry;
    }

    /**
     * @param config   the cluster.
     * @param clientId a client.
     * @return its keys, from {@code keysDir/client-C.key}.
     */
    public static ClientKeys clientKeys(final ClusterConfig config, final int clientId)
    {
        final Path file = config.keysDirectory().resolve("client-" + clientId + ".key");
        final Properties properties = load(file);
        final byte[][] macs = new byte[config.nodes().size()][];
        for (int node = 0; node < macs.length; node++)
        {
            macs[node] = hex(properties, "mac.node." + node, file);
        }
        return new ClientKeys(clientId, hex(properties, "ed25519.private", file),
            hex(properties, "ed25519.public", file), macs);
    }

    private static Properties load(final Path file)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
            return properties;
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("cluster.keysDir", "cannot read " + file + " (" + ex +
                "); generate keys with: jmir keys --nodes N --clients C --dir DIR");
        }
    }

    private static byte[] hex(final Properties properties, final String key, final Path file)
    {
        final String value = properties.getProperty(key);
        if (value == null)
        {
            throw new ConfigurationException("cluster.keysDir", file + " has no " + key);
        }
        try
        {
            final byte[] bytes = HexFormat.of().parseHex(value.trim());
            if (bytes.length != 32)
            {
                throw new ConfigurationException("cluster.keysDir", file + ": " + key + " must be 32 bytes, was " +
                    bytes.length);
            }
            return bytes;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException("cluster.keysDir", file + ": " + key + " is not hex");
        }
    }

    private static void store(final Path file, final Properties properties, final boolean secret)
        throws IOException
    {
        final java.io.StringWriter text = new java.io.StringWriter();
        properties.store(text, secret ? "jmir key file: keep private" : "jmir public key");
        if (secret)
        {
            writePrivate(file, text.toString());
        }
        else
        {
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
            {
                writer.write(text.toString());
            }
        }
    }

    /**
     * Write a secret readable by its owner only: rw------- where the file system has POSIX permissions, otherwise
     * the owner-only read/write flags of {@link java.io.File}.
     */
    private static void writePrivate(final Path file, final String content) throws IOException
    {
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        else
        {
            Files.createFile(file);
            final java.io.File asFile = file.toFile();
            if (!(asFile.setReadable(false, false) && asFile.setReadable(true, true) &&
                asFile.setWritable(false, false) && asFile.setWritable(true, true)))
            {
                Files.delete(file);
                throw new IOException("cannot restrict " + file + " to its owner");
            }
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
