package com.scanforpay.gateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the report says about the machine and the build. */
final class Machine {

    private Machine() {
    }

    /** nproc, CPU model, MemTotal, the children's {@code java -version}. */
    static String describe() {
        String nproc = command(List.of("nproc")).trim();
        return (nproc.isEmpty() ? String.valueOf(Runtime.getRuntime().availableProcessors()) : nproc)
                + " CPUs (nproc), " + line(Path.of("/proc/cpuinfo"), "model name") + ", MemTotal "
                + line(Path.of("/proc/meminfo"), "MemTotal") + "; JVM: "
                + String.join(" / ", command(List.of(BenchProcess.java(), "-version")).trim().lines().toList());
    }

    /** The 1-minute load average ({@code /proc/loadavg}): how busy the shared machine was. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    static String gitRevision() {
        String revision = command(List.of("git", "rev-parse", "--short", "HEAD")).trim();
        String dirty = command(List.of("git", "status", "--porcelain", "--untracked-files=no")).trim();
        return revision.isEmpty() ? "unknown revision" : "commit " + revision + (dirty.isEmpty() ? "" : " (modified)");
    }

    /** The value after ':' of the first line starting with {@code key}. */
    static String line(Path file, String key) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " ")).findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String command(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
