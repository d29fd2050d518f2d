package io.jmir.cli.campaign;

import io.jmir.engine.EventInterceptor;
import io.jmir.engine.NodeDefinition;
import io.jmir.journal.eventlog.ChronicleEventLog;
import io.jmir.protocols.testkit.IssCampaign;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Re-runs one campaign schedule with a Chronicle event log on every node ({@code DIR/node-N}, one queue per node
 * holding every incarnation: a restarted node appends to the log of its previous life), so that a failing schedule
 * leaves a journal {@code jmir cat} reads. The simulation is deterministic and the event log only observes, so the
 * re-run takes the same course as the failed run.
 */
final class CampaignEventLogs
{
    private CampaignEventLogs()
    {
    }

    /**
     * @param schedule to re-run.
     * @param dir      directory of the node logs.
     * @return the outcome of the re-run: null when it passed, else the assertion it failed with.
     */
    static AssertionError record(final IssCampaign.Schedule schedule, final Path dir)
    {
        final Map<Integer, ChronicleEventLog> logs = new HashMap<>();
        final BiFunction<Integer, NodeDefinition, EventInterceptor> interceptors = (node, definition) ->
        {
            final ChronicleEventLog previous = logs.remove(node);
            if (previous != null)
            {
                previous.close();
            }
            final ChronicleEventLog log = new ChronicleEventLog(dir.resolve("node-" + node), definition);
            logs.put(node, log);
            return log;
        };
        try
        {
            IssCampaign.run(schedule, interceptors);
            return null;
        }
        catch (final AssertionError failure)
        {
            return failure;
        }
        finally
        {
            logs.values().forEach(ChronicleEventLog::close);
        }
    }
}
