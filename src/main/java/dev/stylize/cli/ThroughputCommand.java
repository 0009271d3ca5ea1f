package dev.stylize.cli;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.embedded.DevStack;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobParams;
import dev.stylize.job.JobRequest;
import dev.stylize.job.Mode;
import dev.stylize.job.OutputFormat;
import dev.stylize.runtime.Component;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Jobs per minute of a worker with cross-job pipelining and encoder caches, against the same worker
 * serial (docs/benchmarks.md): an embedded stack, the production-costs model set with its GPU stages
 * simulated by waiting, one workload of composite jobs submitted at once as a backlog, measured twice
 * with a fresh worker process each time.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = {"Throughput of a worker, serial (pipelining and encoder caches off) against on (defaults),"
                + " on the production-costs model set with the GPU simulated; prints jobs/min, latency, busy"
                + " time per resource and cache hit rates (docs/benchmarks.md)."})
final class ThroughputCommand implements Callable<Integer> {
    /** Encoders a cache hit skips (T5 + CLIP for the prompt, SigLIP + Redux for the reference). */
    static final List<Component> ENCODERS = List.of(Component.T5, Component.CLIP, Component.SIGLIP, Component.REDUX);
    static final String PREFIX = "bench/throughput";

    @Option(names = "--jobs", defaultValue = "12", description = "Measured jobs per mode (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--hit-ratio", defaultValue = "0", description = {"Share of the measured jobs that reuse a"
            + " reference and prompt of an earlier job (or of the warm-up job); 0 = every job a new reference and"
            + " prompt (default: ${DEFAULT-VALUE})."})
    double hitRatio;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the workload and the images (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "1024", description = {"Side of the square references and targets;"
            + " the default 1024 gives the 2048x1024 canvas the cost model is proportioned for (default: ${DEFAULT-VALUE})."})
    int size;

    @Option(names = "--steps", defaultValue = "28", description = "Fill steps per job (default: ${DEFAULT-VALUE}, the mode default).")
    int steps;

    @Option(names = "--models", description = {"A production-costs model set (models generate --profile"
            + " production-costs, generated here); default: generate one in the data directory."})
    Path models;

    @Option(names = "--data", description = "Stack and log directory (default: a temporary one, deleted afterwards).")
    Path data;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds per mode for all results (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--worker-heap", defaultValue = "2g", description = "-Xmx of the worker (default: ${DEFAULT-VALUE}).")
    String workerHeap;

    /** The two worker configurations compared, in the order they run. */
    enum Setup {
        SERIAL("serial", Map.of("STYLIZE_PIPELINING", "false", "STYLIZE_ENCODER_CACHE_PROMPT_BYTES", "0",
                "STYLIZE_ENCODER_CACHE_REDUX_BYTES", "0")),
        ON("on", Map.of("STYLIZE_PIPELINING", "true"));

        final String label;
        final Map<String, String> env;

        Setup(String label, Map<String, String> env) {
            this.label = label;
            this.env = env;
        }
    }

    @Override
    public Integer call() throws Exception {
        DevStack.require(); // before generating the workload and models
        ThroughputWorkload workload = ThroughputWorkload.generate(jobs, hitRatio, seed);
        String run = Long.toHexString(new SplittableRandom().nextLong() >>> 40);
        System.out.printf(Locale.ROOT, "workload: %d jobs, new keys (reference + prompt): %d, hit ratio %.3f,"
                + " distinct keys used: %d, seed %d; key per job %s%n", jobs, workload.misses(), workload.hitRatio(),
                workload.distinctKeys(), seed, workload.jobKeys());
        System.out.printf(Locale.ROOT, "jobs: composite %dx%d reference + %dx%d target, %d steps, one warm-up job"
                + " per mode; load average %s%n", size, size, size, size, steps, BenchWorker.loadAverage());
        Path dataDir = data != null ? data : Files.createTempDirectory("stylize-throughput");
        try {
            Path modelDir = models != null ? models : generateModels(dataDir.resolve("models"));
            Map<Setup, Measured> results = new LinkedHashMap<>();
            try (EmbeddedStack stack = EmbeddedStack.start(dataDir.resolve("stack"));
                    ObjectStore store = new ObjectStore(new S3Settings(stack.s3Endpoint(), null, stack.accessKey(),
                            stack.secretKey(), "us-east-1"))) {
                long t0 = System.nanoTime();
                upload(store, run, workload);
                System.out.printf(Locale.ROOT, "uploaded %d references and %d targets in %.1f s%n", workload.keys(),
                        jobs + 1, (System.nanoTime() - t0) / 1e9);
                for (Setup setup : Setup.values()) {
                    Measured m = measure(setup, stack, modelDir, dataDir, run, workload);
                    if (m == null) {
                        return 1;
                    }
                    results.put(setup, m);
                }
            }
            System.out.println();
            Measured serial = results.get(Setup.SERIAL);
            Measured on = results.get(Setup.ON);
            report(serial, on).forEach(System.out::println);
            System.out.printf(Locale.ROOT, "on/serial jobs/min: %.2fx; load average at the end %s%n",
                    on.jobsPerMinute() / serial.jobsPerMinute(), BenchWorker.loadAverage());
            List<String> problems = new ArrayList<>();
            problems.addAll(encoderRunCheck(serial, jobs));
            problems.addAll(encoderRunCheck(on, workload.misses()));
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.out.println("UNEXPECTED: " + p));
                return 1;
            }
            System.out.printf(Locale.ROOT, "encoder sessions (t5, clip, siglip, redux) ran once per job serial (%d)"
                    + " and once per new key with caches on (%d): cache hits ran none%n", jobs, workload.misses());
            return 0;
        } finally {
            if (data == null) {
                DemoCommand.deleteTree(dataDir);
            }
        }
    }

    private static Path generateModels(Path dir) throws IOException {
        long t0 = System.nanoTime();
        AnalyticModels.write(dir, AnalyticModels.Options.productionCostProfile());
        System.out.printf(Locale.ROOT, "generated the production-costs model set in %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
        return dir;
    }

    private void upload(ObjectStore store, String run, ThroughputWorkload workload) {
        for (int k = 0; k < workload.keys(); k++) {
            put(store, referenceKey(run, k), pattern(size, size, seed * 7919 + k));
        }
        for (int i = -1; i < jobs; i++) {
            put(store, targetKey(run, i), pattern(size, size, ~(seed * 7919 + i)));
        }
    }

    private static void put(ObjectStore store, String key, RgbImage image) {
        store.put(DemoCommand.BUCKET, key, ImageEncoder.encode(image, "png", 0.95f), "image/png", Map.of());
    }

    static String referenceKey(String run, int key) {
        return PREFIX + "/" + run + "/inputs/reference-" + key + ".png";
    }

    /** Job −1 is the warm-up job. */
    static String targetKey(String run, int job) {
        return PREFIX + "/" + run + "/inputs/target-" + (job < 0 ? "warmup" : Integer.toString(job)) + ".png";
    }

    /** A distinct smooth image per index: gradients with offsets drawn from the index. */
    static RgbImage pattern(int w, int h, long index) {
        SplittableRandom r = new SplittableRandom(index);
        int r0 = r.nextInt(256);
        int g0 = r.nextInt(256);
        int b0 = r.nextInt(256);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (r0 + 255 * x / w);
                rgb[i + 1] = (byte) (g0 + 255 * y / h);
                rgb[i + 2] = (byte) (b0 + 255 * (x + y) / (w + h));
            }
        }
        return new RgbImage(w, h, rgb, null);
    }

    /** The request of measured job {@code job} (−1: the warm-up), validated as the worker will. */
    byte[] request(String run, Setup setup, int job, int key) {
        List<String> words = AnalyticModels.vocabulary().stream()
                .filter(w -> w.chars().allMatch(Character::isLetter)).toList();
        JobRequest req = new JobRequest(JobRequest.SCHEMA_VERSION, jobId(run, setup, job), Mode.COMPOSITE,
                List.of(new JobRequest.ReferenceRef(DemoCommand.BUCKET, referenceKey(run, key), null, null)),
                new JobRequest.ObjectRef(DemoCommand.BUCKET, targetKey(run, job)), null,
                ThroughputWorkload.prompt(key, words),
                // The same noise seed in both modes: only the worker's configuration differs.
                new JobParams(steps, null, seed * 1_000_003 + job, null, null, null, null, null, null, null, null),
                new JobRequest.OutputSpec(DemoCommand.BUCKET, PREFIX + "/" + run + "/" + setup.label,
                        OutputFormat.PNG), null);
        byte[] json = JobJson.write(req);
        JobJson.parseRequest(json);
        return json;
    }

    static String jobId(String run, Setup setup, int job) {
        return "tp-" + run + "-" + setup.label + "-" + (job < 0 ? "warmup" : Integer.toString(job));
    }

    /** One mode: a fresh worker, the warm-up job, then every measured job at once; null if a job failed. */
    private Measured measure(Setup setup, EmbeddedStack stack, Path modelDir, Path dataDir, String run,
            ThroughputWorkload workload) throws Exception {
        Map<String, String> env = BenchWorker.baseEnv(stack);
        env.putAll(Map.of(
                "STYLIZE_MODELS", modelDir.toAbsolutePath().toString(),
                // The manifest places SigLIP, Redux, VAE and the transformer on cuda: simulated, on the CPU.
                "STYLIZE_PROVIDER", "cpu",
                "STYLIZE_SIMULATE_GPU", "true",
                "STYLIZE_SLOTS", "1"));
        env.putAll(setup.env);
        Path log = dataDir.resolve("worker-" + setup.label + ".log");
        System.out.printf(Locale.ROOT, "%n== %s: worker with %s (log %s)%n", setup.label, new java.util.TreeMap<>(
                setup.env), log);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (BenchWorker worker = BenchWorker.start(stack, env, List.of("-Xmx" + workerHeap), log)) {
            String warmup = jobId(run, setup, -1);
            long w0 = worker.submit(warmup, request(run, setup, -1, ThroughputWorkload.WARMUP_KEY));
            worker.flush();
            if (worker.collect(List.of(warmup), timeout) == null) {
                return null;
            }
            System.out.printf(Locale.ROOT, "warm-up job done in %.1f s%n", (System.nanoTime() - w0) / 1e9);
            PrometheusText before = worker.scrape();
            Map<String, Integer> index = new LinkedHashMap<>();
            long[] submitted = new long[jobs];
            long t0 = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                String id = jobId(run, setup, i);
                index.put(id, i);
                submitted[i] = worker.submit(id, request(run, setup, i, workload.jobKeys().get(i)));
            }
            worker.flush();
            Map<String, BenchWorker.Received> done = worker.collect(index.keySet(), timeout);
            if (done == null) {
                return null;
            }
            long last = done.values().stream().mapToLong(BenchWorker.Received::atNanos).max().orElseThrow();
            PrometheusText after = worker.scrape();
            long[] latencyMs = new long[jobs];
            done.forEach((id, r) -> latencyMs[index.get(id)] = (r.atNanos() - submitted[index.get(id)]) / 1_000_000);
            int exit = worker.stop(Duration.ofSeconds(60));
            Measured m = new Measured(setup, jobs, (last - t0) / 1e9, latencyMs, before, after);
            System.out.printf(Locale.ROOT, "%d jobs in %.1f s: %.2f jobs/min (worker exit %d)%n", jobs,
                    m.wallSeconds(), m.jobsPerMinute(), exit);
            return m;
        }
    }

    /** One mode's measurement: the measured jobs' latencies and the worker's metrics around them. */
    record Measured(Setup setup, int jobs, double wallSeconds, long[] latencyMs, PrometheusText before,
            PrometheusText after) {
        double jobsPerMinute() {
            return jobs / wallSeconds * 60;
        }

        /** Growth of a counter or timer sum over the measured jobs. */
        double delta(String name, Map<String, String> labels) {
            return after.sum(name, labels) - before.sum(name, labels);
        }

        double acceleratorSlotSeconds() {
            return delta("stylize_accelerator_busy_seconds_total", Map.of());
        }

        /** Time in session.run of the components on the (simulated) accelerator, or on the host's cores. */
        double sessionSeconds(boolean accelerator) {
            return delta("stylize_session_run_seconds_total", Map.of("accelerator", Boolean.toString(accelerator)));
        }

        long sessionRuns(Component c) {
            return Math.round(delta("stylize_session_runs_total", Map.of("component", c.key())));
        }

        boolean onAccelerator(Component c) {
            return after.has("stylize_session_runs_total", Map.of("component", c.key(), "accelerator", "true"));
        }

        double stageSeconds(String stage) {
            return delta("stylize_stage_seconds_sum", Map.of("stage", stage));
        }

        /**
         * The pipeline's stages before a job takes the accelerator slot (StylizePipeline.prepare): the canvas,
         * and the encoder groups none of whose components is on the accelerator.
         */
        List<String> hostStages() {
            List<String> stages = new ArrayList<>(List.of("preprocess"));
            if (!onAccelerator(Component.T5) && !onAccelerator(Component.CLIP)) {
                stages.add("text");
            }
            if (!onAccelerator(Component.SIGLIP) && !onAccelerator(Component.REDUX)) {
                stages.add("redux");
            }
            return stages;
        }

        /** "hits/gets (rate)" of an encoder cache, or "off" when the worker has no such cache. */
        String cache(String name) {
            Map<String, String> cache = Map.of("cache", "stylize_encoder_" + name);
            if (!after.has("cache_gets_total", cache)) {
                return "off";
            }
            double hits = delta("cache_gets_total", Map.of("cache", "stylize_encoder_" + name, "result", "hit"));
            double gets = delta("cache_gets_total", cache);
            return String.format(Locale.ROOT, "%.0f/%.0f (%s)", hits, gets, gets == 0 ? "-" : percent(hits / gets));
        }
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * share);
    }

    /** The two modes side by side. */
    static List<String> report(Measured serial, Measured on) {
        List<String> lines = new ArrayList<>();
        row(lines, "", "serial", "on");
        row(lines, "jobs", serial, on, m -> Integer.toString(m.jobs()));
        row(lines, "wall s (first submit to last result)", serial, on, m -> fixed(m.wallSeconds(), 1));
        row(lines, "jobs/min", serial, on, m -> fixed(m.jobsPerMinute(), 2));
        row(lines, "latency submit->result p50 s", serial, on, m -> fixed(BenchWorker.percentile(m.latencyMs(), 50) / 1e3, 1));
        row(lines, "latency submit->result p95 s", serial, on, m -> fixed(BenchWorker.percentile(m.latencyMs(), 95) / 1e3, 1));
        row(lines, "accelerator slot held s (% wall)", serial, on, m -> busy(m.acceleratorSlotSeconds(), m));
        row(lines, "  GPU sessions (simulated) s", serial, on, m -> busy(m.sessionSeconds(true), m));
        row(lines, "host CPU sessions s (T5, CLIP)", serial, on, m -> busy(m.sessionSeconds(false), m));
        row(lines, "host stages s (" + String.join("+", on.hostStages()) + ")", serial, on,
                m -> busy(m.hostStages().stream().mapToDouble(m::stageSeconds).sum(), m));
        for (String stage : List.of("preprocess", "text", "redux", "vae_encode", "denoise", "vae_decode",
                "postprocess")) {
            row(lines, "  stage " + stage + " s", serial, on, m -> fixed(m.stageSeconds(stage), 1));
        }
        row(lines, "session runs t5/clip/siglip/redux", serial, on,
                m -> String.join("/", ENCODERS.stream().map(c -> Long.toString(m.sessionRuns(c))).toList()));
        row(lines, "prompt cache hits/gets", serial, on, m -> m.cache("prompt"));
        row(lines, "redux cache hits/gets", serial, on, m -> m.cache("redux"));
        return lines;
    }

    private static void row(List<String> lines, String label, Measured a, Measured b, Function<Measured, String> f) {
        row(lines, label, f.apply(a), f.apply(b));
    }

    private static void row(List<String> lines, String label, String a, String b) {
        lines.add(String.format(Locale.ROOT, "%-40s %18s %18s", label, a, b));
    }

    private static String busy(double seconds, Measured m) {
        return fixed(seconds, 1) + " (" + percent(seconds / m.wallSeconds()) + ")";
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Each encoder must have run once per job that needed it: {@code expected} times. */
    static List<String> encoderRunCheck(Measured m, long expected) {
        List<String> problems = new ArrayList<>();
        for (Component c : ENCODERS) {
            long runs = m.sessionRuns(c);
            if (runs != expected) {
                problems.add(String.format(Locale.ROOT, "%s: %s ran %d times for %d expected", m.setup().label,
                        c.key(), runs, expected));
            }
        }
        return problems;
    }
}
