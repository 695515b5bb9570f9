package io.relink.console.service;

import java.util.List;
import java.util.stream.Collectors;

/** A list as CSV (RFC 4180), for the support teams' spreadsheets; cells that a spreadsheet would run as formulas are quoted with a leading apostrophe. */
public final class Csv {
    private Csv() {
    }

    public static String of(List<String> header, List<List<Object>> rows) {
        StringBuilder out = new StringBuilder(line(header.stream().map(h -> (Object) h).toList()));
        rows.forEach(r -> out.append(line(r)));
        return out.toString();
    }

    private static String line(List<Object> cells) {
        return cells.stream().map(Csv::cell).collect(Collectors.joining(",")) + "\r\n";
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s; // CSV injection: a spreadsheet must show it, not evaluate it
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
