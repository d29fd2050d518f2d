package io.jmir.protocols.iss;

import io.jmir.engine.sim.SimulationRunner;
import io.jmir.protocols.testkit.IssCampaign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ISS fault campaign ({@link IssCampaign}): {@value #SCHEDULES} random schedules in CI (seeds 1..40; about
 * 20 s on the 2-core machine), many more with the soak profile
 * ({@code mvn -B -P soak -pl protocols -am verify -Dtest=IssCampaignTest -Dsurefire.failIfNoSpecifiedTests=false},
 * 2000 schedules; or {@code -Djmir.sim.seeds=N -Djmir.sim.firstSeed=S}). Each schedule mixes up to f Byzantine nodes
 * (every {@link io.jmir.protocols.testkit.IssByzantine.Behaviour}), partitions that heal, loss, duplication and
 * reordering; crash/restart is enabled with {@code -Djmir.campaign.crash=true} (off by default: restarted nodes
 * come back without their WAL until crash recovery lands). A failing schedule prints its seed, the schedule and the
 * one-line reproduce command; {@code IssCampaignEventLogTest} in the cli module re-runs it writing every node's
 * event log for {@code jmir cat}.
 */
class IssCampaignTest
{
    static final int SCHEDULES = 40;

    @Test
    @Timeout(600)
    void shouldStaySafeAndLiveOverRandomFaultSchedules()
    {
        final boolean crash = Boolean.getBoolean("jmir.campaign.crash");
        final long[] totals = new long[4];
        final int runs = SimulationRunner.forCaller(Integer.getInteger("jmir.campaign.schedules", SCHEDULES))
            .run(seed ->
            {
                final IssCampaign.Result result = IssCampaign.run(IssCampaign.schedule(seed, crash), null);
                totals[0]++;
                totals[1] += result.behind();
                totals[2] += result.viewChanges();
                totals[3] += result.catchUps();
            });
        System.out.println("ISS campaign: " + runs + " schedules, crash/restart " + (crash ? "on" : "off") +
            ", correct nodes left behind the stable checkpoint (need state transfer): " + totals[1] +
            ", view changes: " + totals[2] + ", catch-up installs: " + totals[3]);
        assertThat(totals[0]).isEqualTo(runs);
        assertThat(totals[2]).as("the schedules exercised view changes").isPositive();
    }
}
