package io.relink.devstack.testing;

/** Reads samples out of a Prometheus text exposition ({@code /q/metrics}), exemplars and timestamps left aside. */
public final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * The sum of {@code series}' samples: a bare metric name sums all its label sets; a name with labels
     * ({@code relink_reauth_refusals_total{reason="WRONG_ACCOUNT"}}) is that one series. 0 when absent.
     */
    public static double sum(String exposition, String series) {
        boolean oneSeries = series.contains("{");
        double sum = 0;
        for (String line : exposition.lines().toList()) {
            String rest;
            if (line.startsWith(series + " ")) {
                rest = line.substring(series.length() + 1);
            } else if (!oneSeries && line.startsWith(series + "{")) {
                rest = line.substring(line.indexOf("} ", series.length()) + 2);
            } else {
                continue;
            }
            // The value comes first; a timestamp or an exemplar ("# {span_id=...} 1.0 ...") may follow.
            sum += Double.parseDouble(rest.split(" ")[0]);
        }
        return sum;
    }
}
