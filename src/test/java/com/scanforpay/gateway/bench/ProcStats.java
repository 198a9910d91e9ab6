package com.scanforpay.gateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and peak memory of a process from Linux's {@code /proc}. The parsing is pure and unit-tested. */
public final class ProcStats {

    private ProcStats() {
    }

    /** Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}; 100 if it cannot run). */
    public static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** utime + stime of process {@code pid} in clock ticks (all its threads). */
    public static long cpuTicks(long pid) {
        return cpuTicksOfStat(read(Path.of("/proc", String.valueOf(pid), "stat")));
    }

    /**
     * CPU of a process tree in clock ticks: utime + stime + cutime + cstime of {@code pid} (its own, and that of
     * children it has reaped), plus utime + stime of its live descendants (e.g. PostgreSQL's postmaster and its
     * backends).
     */
    public static long treeCpuTicks(long pid) {
        long ticks = cpuTicksWithReapedChildren(read(Path.of("/proc", String.valueOf(pid), "stat")));
        for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
            try {
                ticks += cpuTicks(child.pid());
            } catch (UncheckedIOException gone) {
                // exited meanwhile: counted in its parent's cutime once reaped
            }
        }
        return ticks;
    }

    /** Peak resident set size (VmHWM) of process {@code pid}, in kB. */
    public static long peakRssKb(long pid) {
        return kbField(read(Path.of("/proc", String.valueOf(pid), "status")), "VmHWM");
    }

    /**
     * utime (field 14) + stime (field 15) of a {@code /proc/<pid>/stat} line. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted after the last ')'.
     */
    static long cpuTicksOfStat(String stat) {
        String[] fields = fieldsAfterName(stat);
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    /** Fields 3 onwards of a stat line: {@code fields[n - 3]} is field n (1-based, as in proc(5)). */
    private static String[] fieldsAfterName(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        // after ')': field 3 (state) is the first
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 15) {
            throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + stat);
        }
        return fields;
    }

    /** utime + stime + cutime + cstime (fields 14 to 17). */
    static long cpuTicksWithReapedChildren(String stat) {
        String[] fields = fieldsAfterName(stat);
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]) + Long.parseLong(fields[16 - 3])
                + Long.parseLong(fields[17 - 3]);
    }

    /** The kB value of a {@code Name:   1234 kB} line of {@code /proc/<pid>/status}. */
    static long kbField(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected " + name + " line: " + line);
                }
                return Long.parseLong(parts[0]);
            }
        }
        throw new IllegalArgumentException(name + " not found in /proc/<pid>/status");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (has the process exited?)", e);
        }
    }
}
