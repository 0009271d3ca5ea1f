package dev.stylize.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.WorkerProcess;
import dev.stylize.client.ContentKey;
import dev.stylize.client.KeyPartitioner;
import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobStatus;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.ResultEvent;
import dev.stylize.pipeline.TestImages;
import dev.stylize.runtime.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The terminal client ({@code submit}, {@code watch}, {@code status}, {@code cancel}) run as child processes of
 * the packaged jar, configured by environment only, against the embedded stack and one worker on the slow
 * analytic models (so a long job is still running when it is cancelled).
 */
class TerminalClientIT extends WorkerItBase {
    private static final Pattern STEP_LINE = Pattern.compile("attempt \\d+ DENOISING step (\\d+)/(\\d+)");
    static WorkerProcess worker;
    static Path dir;

    @BeforeAll
    static void startWorker() throws Exception {
        worker = worker("terminal-client", slowModels, List.of(), Map.of());
        dir = Files.createDirectories(work.resolve("terminal-client"));
    }

    @AfterAll
    static void stopWorker() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void submitWatchDownloadsAVerifiedOutputAndResubmittingUploadsNothing() throws Exception {
        byte[] refBytes = ImageEncoder.encode(TestImages.uniform(64, 64, 30, 160, 90), "png", 0.95f);
        byte[] targetBytes = ImageEncoder.encode(TestImages.gradient(96, 64), "png", 0.95f);
        Path ref = Files.write(dir.resolve("ref.png"), refBytes);
        Path target = Files.write(dir.resolve("target.png"), targetBytes);
        Path out = dir.resolve("result.png");
        Files.deleteIfExists(out);
        String id = jobId("cli-ok");

        Cli submit = cli("submit", "--reference", ref.toString(), "--target", target.toString(), "--steps", "4",
                "--job-id", id, "--watch", "--out", out.toString());
        assertEquals(0, submit.exit, submit::describe);
        List<String> lines = submit.outLines();
        assertEquals(id, lines.get(0), "the job id comes first");

        // The inputs are in the store under their content keys.
        String refKey = ContentKey.of("inputs/", refBytes);
        String targetKey = ContentKey.of("inputs/", targetBytes);
        assertTrue(store.stat(BUCKET, refKey).isPresent(), refKey);
        assertTrue(store.stat(BUCKET, targetKey).isPresent(), targetKey);

        // One plain line per event: steps increase, and the status line comes after every progress line.
        List<Integer> steps = new ArrayList<>();
        int statusLine = lines.indexOf(id + " SUCCEEDED");
        assertTrue(statusLine > 0, submit::describe);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = STEP_LINE.matcher(lines.get(i));
            if (m.find()) {
                assertTrue(i < statusLine, "progress after the result: " + lines.get(i));
                assertEquals(4, Integer.parseInt(m.group(2)));
                steps.add(Integer.parseInt(m.group(1)));
            }
        }
        assertTrue(steps.size() >= 2, "several step lines: " + submit.describe());
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i) >= steps.get(i - 1), "steps never go back: " + steps);
        }
        assertEquals(4, steps.get(steps.size() - 1));
        assertFalse(submit.out.contains("\r"), "no redraws when stdout is not a terminal");

        // The file is the result's output: same sha256, decodes at the announced size.
        ConsumerRecord<String, byte[]> resultRecord = kafka.await(
                r -> r.topic().equals(kafka.topic("results")) && id.equals(r.key()), RESULT_TIMEOUT);
        ResultEvent result = dev.stylize.job.JobJson.parseResult(resultRecord.value());
        assertEquals(JobStatus.SUCCEEDED, result.status());
        OutputInfo o = result.outputs().get(0);
        byte[] written = Files.readAllBytes(out);
        assertEquals(o.sha256(), Sha256.of(written));
        RgbImage img = ImageDecoder.decode(written, 100_000_000L);
        assertEquals(o.width(), img.width());
        assertEquals(o.height(), img.height());
        // The worker's producer put the result where the client looks for it.
        assertEquals(resultRecord.partition(), KeyPartitioner.partition(id,
                kafka.topics.byRole("results").partitions()));

        // status of the finished job: its result and code 0.
        Cli status = cli("status", id);
        assertEquals(0, status.exit, status::describe);
        assertTrue(status.out.startsWith(id + " SUCCEEDED"), status::describe);
        assertTrue(status.out.contains(o.sha256()), status::describe);

        // The same files again: found by HEAD, not written. A PUT would replace the metadata marked here.
        store.put(BUCKET, refKey, refBytes, "image/png", Map.of("marker", "before-resubmit"));
        int inputsBefore = store.list(BUCKET, "inputs/").size();
        String again = jobId("cli-again");
        Cli resubmit = cli("submit", "--reference", ref.toString(), "--target", target.toString(), "--steps", "1",
                "--job-id", again);
        assertEquals(0, resubmit.exit, resubmit::describe);
        assertEquals(again, resubmit.outLines().get(0));
        assertFalse(resubmit.err.contains("uploaded"), resubmit::describe);
        assertEquals(inputsBefore, store.list(BUCKET, "inputs/").size());
        assertEquals("before-resubmit", store.stat(BUCKET, refKey).orElseThrow().userMetadata().get("marker"));
        assertEquals(JobStatus.SUCCEEDED, kafka.awaitResult(again, RESULT_TIMEOUT).status());
    }

    @Test
    void cancelEndsAWatchedJobCancelled() throws Exception {
        Cli submit = cli("submit", "--reference", "s3://" + BUCKET + "/in/a.png", "--target",
                "s3://" + BUCKET + "/in/b.png", "--steps", "80");
        assertEquals(0, submit.exit, submit::describe);
        String id = submit.outLines().get(0);
        Path watchOut = dir.resolve("watch-" + id + ".out");
        Process watch = start(watchOut, dir.resolve("watch-" + id + ".err"), "watch", id);
        kafka.awaitProgress(id, p -> p.phase().name().equals("DENOISING") && p.step() >= 1, RESULT_TIMEOUT);

        Cli cancel = cli("cancel", id);
        assertEquals(0, cancel.exit, cancel::describe);
        assertTrue(watch.waitFor(90, TimeUnit.SECONDS), "watch ended");
        String watched = Files.readString(watchOut);
        assertEquals(3, watch.exitValue(), watched);
        assertTrue(watched.contains(id + " CANCELLED"), watched);
        assertTrue(maxStep(id) < 80, "stopped mid-job at step " + maxStep(id));

        Cli status = cli("status", id);
        assertEquals(3, status.exit, status::describe);
    }

    @Test
    void anInvalidRequestEndsFailedWithTheWorkersMessage() throws Exception {
        Cli submit = cli("submit", "--reference", "s3://" + BUCKET + "/in/a.png", "--target",
                "s3://" + BUCKET + "/in/b.png", "--steps", "0", "--watch", "--timeout", "PT2M");
        assertEquals(2, submit.exit, submit::describe);
        assertTrue(submit.out.contains("FAILED PARAM_OUT_OF_RANGE"), submit::describe);
        assertTrue(submit.out.contains("params.steps"), submit::describe);
    }

    @Test
    void statusOfAnUnknownJobSaysSoAndTheKeysPartitionIsTheProducers() throws Exception {
        Cli status = cli("status", "never-submitted-" + jobId("x"));
        assertEquals(6, status.exit, status::describe);
        assertTrue(status.out.trim().endsWith(" unknown"), status::describe);
        // Tombstones under unused keys: harmless on the compacted results topic, and the producer picks the partition.
        String results = kafka.topic("results");
        for (int i = 0; i < 20; i++) {
            String key = jobId("partition-probe-" + i);
            RecordMetadata m = kafka.send(results, key, null);
            assertEquals(m.partition(), KeyPartitioner.partition(key, kafka.topics.byRole("results").partitions()), key);
        }
    }

    // --------------------------------------------------------------------------------------------

    /** A finished client run: exit code, stdout, stderr. */
    record Cli(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Cli cli(String... args) throws Exception {
        String name = args[0] + "-" + System.nanoTime();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = start(out, err, args);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end:\n" + Files.readString(out));
        }
        return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The packaged jar with the client's environment (the lines {@code stack} prints), output to files. */
    static Process start(Path out, Path err, String... args) throws Exception {
        return start(Map.of(), out, err, args);
    }

    /** As {@link #start(Path, Path, String...)} with {@code extraEnv} (e.g. tracing's) added. */
    static Process start(Map<String, String> extraEnv, Path out, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                WorkerProcess.runnerJar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        pb.environment().put("S3_ENDPOINT", stack.s3Endpoint());
        pb.environment().put("S3_ACCESS_KEY", stack.accessKey());
        pb.environment().put("S3_SECRET_KEY", stack.secretKey());
        pb.environment().putAll(extraEnv);
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return pb.start();
    }
}
