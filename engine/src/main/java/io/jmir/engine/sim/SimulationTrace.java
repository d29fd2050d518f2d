package io.jmir.engine.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A recorded simulation trace: every record of a run, in order, and the digest over them. Two runs with the
 * same seed, nodes and driver produce equal traces; {@link #firstDifference(SimulationTrace)} says where two
 * traces part. Immutable snapshot.
 */
public final class SimulationTrace
{
    private final List<TraceRecord> records;
    private final String digest;
    private final boolean complete;

    SimulationTrace(final List<TraceRecord> records, final String digest, final boolean complete)
    {
        this.records = Collections.unmodifiableList(new ArrayList<>(records));
        this.digest = digest;
        this.complete = complete;
    }

    /**
     * @return the records in order (empty when recording was off).
     */
    public List<TraceRecord> records()
    {
        return records;
    }

    /**
     * @return hex SHA-256 over the whole run, recorded or not ({@link Simulation#traceDigest()}).
     */
    public String digest()
    {
        return digest;
    }

    /**
     * @return true when every record since the start was recorded ({@link Simulation.Context#recordTrace}).
     */
    public boolean isComplete()
    {
        return complete;
    }

    /**
     * Compare with another trace, record by record.
     *
     * @param other trace to compare with.
     * @return empty when both hold the same records; otherwise a description of the first difference (index,
     * both records, or which trace is shorter).
     */
    public Optional<String> firstDifference(final SimulationTrace other)
    {
        final int common = Math.min(records.size(), other.records.size());
        for (int i = 0; i < common; i++)
        {
            final TraceRecord a = records.get(i);
            final TraceRecord b = other.records.get(i);
            if (!a.equals(b))
            {
                return Optional.of("traces differ at record " + i + ":\n  this:  " + a + "\n  other: " + b);
            }
        }
        if (records.size() != other.records.size())
        {
            return Optional.of("traces agree on the first " + common + " records, then this has " +
                records.size() + " records and the other " + other.records.size() + "; next record: " +
                (records.size() > common ? records.get(common) : other.records.get(common)));
        }
        return Optional.empty();
    }

    @Override
    public String toString()
    {
        return "SimulationTrace{records=" + records.size() + ", digest=" + digest + '}';
    }
}
