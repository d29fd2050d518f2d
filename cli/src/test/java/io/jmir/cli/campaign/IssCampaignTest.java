package io.jmir.cli.campaign;

import io.jmir.cli.CliRun;
import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.testkit.IssCampaign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ISS fault campaign ({@link IssCampaign}): {@value #SCHEDULES} random schedules in CI (seeds 1..40), many more
 * with the soak profile ({@code mvn -B -P soak -pl cli -am verify -Dtest=IssCampaignTest
 * -Dsurefire.failIfNoSpecifiedTests=false}: 2000 schedules; or {@code -Djmir.campaign.schedules=N
 * -Djmir.sim.firstSeed=S}). Each schedule (4 nodes; 7 for a third of them unless
 * {@code -Djmir.campaign.sevenNodes=false}, see {@link IssCampaign#SEVEN_NODES_PROPERTY}) mixes up to f faulty
 * nodes — Byzantine (every
 * {@link io.jmir.protocols.testkit.IssByzantine.Behaviour}) or crash/restart on their WAL — with partitions that
 * heal, loss, duplication and reordering. {@code -Djmir.campaign.crash=false} leaves crash/restart out.
 * <p>
 * A failing schedule prints its seed, the schedule, the one-line reproduce command, and the directory of an event
 * log of the failing run ({@code cli/target/campaign-failures/seed-N/node-I}, Chronicle queues that
 * {@code ./jmir cat} and Chronicle's reader print). The campaign lives in the cli module because the protocols
 * module may not depend on the journal module, not even for tests (DESIGN.md section 4).
 */
class IssCampaignTest
{
    static final int SCHEDULES = 40;
    private static final Path FAILURE_LOGS = Path.of("target", "campaign-failures").toAbsolutePath();

    @Test
    @Timeout(600)
    void shouldStaySafeAndLiveOverRandomFaultSchedules()
    {
        final boolean crash = !"false".equals(System.getProperty("jmir.campaign.crash"));
        final long[] totals = new long[4];
        final int runs = SimulationRunner.forCaller(Integer.getInteger("jmir.campaign.schedules", SCHEDULES))
            .run(seed ->
            {
                final IssCampaign.Schedule schedule = IssCampaign.schedule(seed, crash);
                final IssCampaign.Result result;
                try
                {
                    result = IssCampaign.run(schedule, null);
                }
                catch (final AssertionError failure)
                {
                    throw withEventLog(schedule, failure);
                }
                totals[0]++;
                totals[1] += result.behind();
                totals[2] += result.viewChanges();
                totals[3] += result.catchUps();
            });
        System.out.println("ISS campaign: " + runs + " schedules, crash/restart " + (crash ? "on" : "off") +
            ", correct nodes still behind the others' stable checkpoint at the end (exempt from liveness): " +
            totals[1] + ", view changes: " + totals[2] + ", catch-up installs: " + totals[3]);
        assertThat(totals[0]).isEqualTo(runs);
        if (runs >= SCHEDULES)
        {
            assertThat(totals[2]).as("the schedules exercised view changes").isPositive();
        }
    }

    @Test
    @Timeout(120)
    void shouldLeaveAnEventLogThatJmirCatReads(@TempDir final Path dir) throws Exception
    {
        long seed = 1;
        while (IssCampaign.schedule(seed, true).crashed().length == 0)
        {
            seed++;
        }
        final IssCampaign.Schedule schedule = IssCampaign.schedule(seed, true);
        final int crashed = schedule.crashed()[0];

        assertThat(CampaignEventLogs.record(schedule, dir)).as("schedule " + seed + " passes").isNull();

        for (int node = 0; node < schedule.n(); node++)
        {
            assertThat(Files.isDirectory(dir.resolve("node-" + node))).isTrue();
        }
        final CliRun.Result summary = CliRun.jmir("cat", "--summary", dir.resolve("node-" + crashed).toString());
        assertThat(summary.code()).as(summary.err()).isZero();
        assertThat(summary.out()).contains("Init", "MessageReceived", "WalAppend");
        final CliRun.Result inits = CliRun.jmir("cat", "--type", "Init", "--module", "iss", "--json",
            dir.resolve("node-" + crashed).toString());
        assertThat(inits.code()).as(inits.err()).isZero();
        assertThat(inits.out().lines().count()).as("one Init to the protocol per incarnation of the crashed node " +
            crashed + ":\n" + inits.out()).isEqualTo(2);
    }

    private static String campaignProperties()
    {
        final StringBuilder properties = new StringBuilder();
        for (final String name : new String[]{IssCampaign.SEVEN_NODES_PROPERTY, "jmir.campaign.crash"})
        {
            final String value = System.getProperty(name);
            if (value != null)
            {
                properties.append(" -D").append(name).append('=').append(value);
            }
        }
        return properties.length() == 0 ? "" : System.lineSeparator() + "add to the reproduce command:" + properties;
    }

    private static AssertionError withEventLog(final IssCampaign.Schedule schedule, final AssertionError failure)
    {
        final Path dir = FAILURE_LOGS.resolve("seed-" + schedule.seed());
        final AssertionError rerun = CampaignEventLogs.record(schedule, dir);
        final AssertionError error = new AssertionError(failure.getMessage() + System.lineSeparator() +
            "event log of the failing run (re-run " + (rerun != null ? "failed the same way" : "PASSED: not " +
            "reproducible with the log on") + "): " + dir + System.lineSeparator() +
            "read it with: ./jmir cat --summary " + dir + "/node-0   (or --json, --msc FILE, --type NAME)" +
            campaignProperties(), failure);
        return error;
    }
}
