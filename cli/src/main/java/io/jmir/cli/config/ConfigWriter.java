package io.jmir.cli.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link ClusterConfig} as YAML in the format {@link ConfigLoader} reads (paths as given, relative ones
 * relative to the file's directory).
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class ConfigWriter
{
    private ConfigWriter()
    {
    }

    /**
     * @param config        the configuration.
     * @param secretFile    secret file path to write (relative to the config file or absolute).
     * @param keysDirectory keys directory to write.
     * @return the YAML text.
     */
    public static String yaml(final ClusterConfig config, final String secretFile, final String keysDirectory)
    {
        final StringBuilder out = new StringBuilder(2048);
        out.append("# jmir cluster configuration (jmir node --config FILE --id N); format: ConfigLoader javadoc\n");
        out.append("cluster:\n")
            .append("  id: ").append(config.clusterId()).append('\n')
            .append("  secretFile: ").append(secretFile).append('\n')
            .append("  keysDir: ").append(keysDirectory).append('\n')
            .append("  clientAuth: ").append(config.clientAuth()).append('\n')
            .append("  clients: ").append(config.clientCount()).append('\n');
        out.append("nodes:\n");
        for (final ClusterConfig.NodeEntry node : config.nodes())
        {
            out.append("  - id: ").append(node.id()).append('\n')
                .append("    address: ").append(node.address()).append('\n')
                .append("    clientAddress: ").append(node.clientAddress()).append('\n')
                .append("    dataDir: ").append(node.dataDirectory()).append('\n');
        }
        out.append("protocol:\n")
            .append("  maxBatchSize: ").append(config.maxBatchSize()).append('\n')
            .append("  batchTimeoutUs: ").append(config.batchTimeoutUs()).append('\n')
            .append("  segmentLength: ").append(config.segmentLength()).append('\n')
            .append("  bucketCount: ").append(config.bucketCount()).append('\n')
            .append("  clientWatermarkWindow: ").append(config.clientWatermarkWindow()).append('\n')
            .append("  epochWindow: ").append(config.epochWindow()).append('\n')
            .append("  maxRequestBytes: ").append(config.maxRequestBytes()).append('\n');
        out.append("runtime:\n")
            .append("  ringSize: ").append(config.ringSize()).append('\n')
            .append("  slotCapacity: ").append(config.slotCapacity()).append('\n')
            .append("  idle: ").append(config.idleMode()).append('\n')
            .append("  cryptoWorkers: ").append(config.cryptoWorkers()).append('\n')
            .append("  connectTimeoutMs: ").append(config.connectTimeoutMs()).append('\n')
            .append("  shareUnassigned: ").append(config.shareUnassigned()).append('\n');
        if (!config.threads().isEmpty())
        {
            out.append("  threads:\n");
            for (final ClusterConfig.ThreadSpec thread : config.threads())
            {
                out.append("    - { name: ").append(thread.name()).append(", idle: ").append(thread.idleMode())
                    .append(", cpu: ").append(thread.cpu()).append(", modules: [")
                    .append(String.join(", ", thread.modules())).append("] }\n");
            }
        }
        out.append("aeron:\n");
        if (config.aeronDirBase() != null)
        {
            out.append("  dirBase: ").append(config.aeronDirBase()).append('\n');
        }
        if (config.externalDriverDirectory() != null)
        {
            out.append("  externalDriver: ").append(config.externalDriverDirectory()).append('\n');
        }
        out.append("  idleStrategy: ").append(config.aeronIdleStrategy()).append('\n');
        out.append("journal:\n")
            .append("  sync: ").append(config.syncPolicy()).append('\n')
            .append("  eventLog: ").append(config.eventLog()).append('\n')
            .append("  requestStore: ").append(config.persistentRequestStore() ? "chronicle" : "memory").append('\n');
        return out.toString();
    }

    /**
     * Write the YAML to a file.
     *
     * @param config        the configuration.
     * @param file          target.
     * @param secretFile    secret file path to write.
     * @param keysDirectory keys directory to write.
     * @throws IOException on failure.
     */
    public static void write(final ClusterConfig config, final Path file, final String secretFile,
        final String keysDirectory) throws IOException
    {
        Files.writeString(file, yaml(config, secretFile, keysDirectory), StandardCharsets.UTF_8);
    }
}
