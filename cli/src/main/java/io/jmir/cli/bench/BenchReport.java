package io.jmir.cli.bench;

import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a load run's results: the latency histogram as an {@code .hgrm} percentile distribution (HdrHistogram's
 * text format, in microseconds, plottable with HdrHistogram's plotter), a PNG with throughput and p50/p99/p99.9
 * latency per second (XChart), and a one-line summary.
 * <p>
 * <b>Threading:</b> stateless; any thread.
 */
public final class BenchReport
{
    static
    {
        System.setProperty("java.awt.headless", "true");
    }

    private BenchReport()
    {
    }

    /**
     * @param histogram latencies in ns.
     * @param file      .hgrm file.
     * @throws IOException on write failure.
     */
    public static void writeHgrm(final Histogram histogram, final Path file) throws IOException
    {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8"))
        {
            histogram.outputPercentileDistribution(out, 5, 1000.0);
        }
    }

    /**
     * @param samples per-second samples.
     * @param title   chart title.
     * @param file    .png file.
     * @throws IOException on write failure.
     */
    public static void writePng(final List<LoadGenerator.Sample> samples, final String title, final Path file)
        throws IOException
    {
        final double[] seconds = new double[samples.size()];
        final double[] throughput = new double[samples.size()];
        final double[] p50 = new double[samples.size()];
        final double[] p99 = new double[samples.size()];
        final double[] p999 = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++)
        {
            final LoadGenerator.Sample sample = samples.get(i);
            seconds[i] = sample.second();
            throughput[i] = sample.completed();
            p50[i] = sample.p50Us() / 1000.0;
            p99[i] = sample.p99Us() / 1000.0;
            p999[i] = sample.p999Us() / 1000.0;
        }
        final XYChart rate = new XYChartBuilder().width(900).height(320).title(title + ": throughput")
            .xAxisTitle("time (s)").yAxisTitle("requests/s").build();
        rate.getStyler().setLegendVisible(false);
        rate.addSeries("req/s", seconds.length == 0 ? new double[] {0} : seconds,
            throughput.length == 0 ? new double[] {0} : throughput).setMarker(SeriesMarkers.NONE);
        final XYChart latency = new XYChartBuilder().width(900).height(320).title(title + ": latency")
            .xAxisTitle("time (s)").yAxisTitle("latency (ms)").build();
        latency.addSeries("p50", orZero(seconds), orZero(p50)).setMarker(SeriesMarkers.NONE);
        latency.addSeries("p99", orZero(seconds), orZero(p99)).setMarker(SeriesMarkers.NONE);
        latency.addSeries("p99.9", orZero(seconds), orZero(p999)).setMarker(SeriesMarkers.NONE);
        final String name = file.toString();
        BitmapEncoder.saveBitmap(List.of(rate, latency), 2, 1,
            name.endsWith(".png") ? name.substring(0, name.length() - 4) : name, BitmapEncoder.BitmapFormat.PNG);
    }

    private static double[] orZero(final double[] values)
    {
        return values.length == 0 ? new double[] {0} : values;
    }

    /**
     * @param histogram latencies in ns (measured seconds only).
     * @param seconds   measured seconds.
     * @return one line: requests, rate, p50/p99/p99.9/max.
     */
    public static String summary(final Histogram histogram, final int seconds)
    {
        return String.format(Locale.ROOT,
            "%d requests in %d s = %.0f req/s; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
            histogram.getTotalCount(), seconds, histogram.getTotalCount() / (double)Math.max(1, seconds),
            histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
            histogram.getValueAtPercentile(99.9) / 1e6, histogram.getMaxValue() / 1e6);
    }
}
