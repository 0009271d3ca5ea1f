package dev.stylize.cli;

import dev.stylize.client.ClientSettings;
import dev.stylize.client.ClientTracing;
import dev.stylize.client.InputUploader;
import dev.stylize.client.JobProducer;
import dev.stylize.client.JobRecords;
import dev.stylize.embedded.EmbeddedStack;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobRequest;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.JobRequest.ReferenceRef;
import dev.stylize.job.Mode;
import dev.stylize.job.OutputFormat;
import dev.stylize.job.StylizeException;
import dev.stylize.messaging.TopicDefinitions;
import dev.stylize.storage.ObjectStore;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Submits one job through Kafka: local inputs uploaded under content-addressed keys, the request produced
 * to the requests topic keyed by its job id, which is printed first on stdout. With {@code --watch}, follows
 * it as {@code watch} does.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit a stylization job to the worker through Kafka and print its job id.",
                "Inputs are local files (uploaded to --bucket under inputs/<sha256>.<ext>, once) or s3://bucket/key.",
                "Reads KAFKA_BOOTSTRAP_SERVERS, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY as serve does."})
final class SubmitCommand implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "composite", description = "composite, restyle, variation, inpaint, outpaint")
    String mode;

    @Option(names = "--reference", required = true, description = "Reference image, a file or s3://bucket/key (repeat for several).")
    List<String> references;

    @Option(names = "--target", description = "Target image B, a file or s3://bucket/key (all modes but variation).")
    String target;

    @Option(names = "--mask", description = "Mask over B, a file or s3://bucket/key: white (or opaque) = generate.")
    String mask;

    @CommandLine.Mixin
    JobParamsOptions params;

    @Option(names = "--job-id", description = "The job's id (default: cli-<random>); also seeds the noise.")
    String jobId;

    @Option(names = "--deadline", description = "ISO-8601 instant; a job not finished by then ends EXPIRED.")
    Instant deadline;

    @Option(names = "--bucket", defaultValue = EmbeddedStack.DEFAULT_BUCKET,
            description = "Bucket local inputs are uploaded to (default ${DEFAULT-VALUE}, as stack creates).")
    String bucket;

    @Option(names = "--input-prefix", defaultValue = "inputs/", description = "Key prefix of uploaded inputs (default ${DEFAULT-VALUE}).")
    String inputPrefix;

    @Option(names = "--output-bucket", description = "Bucket the worker writes the output to (default: --bucket).")
    String outputBucket;

    @Option(names = "--output-prefix", defaultValue = "outputs", description = "Output key prefix (default ${DEFAULT-VALUE}).")
    String outputPrefix;

    @Option(names = "--format", defaultValue = "png", description = "Output format: png, jpeg, webp (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--watch", description = "Follow the job to its end (see watch) and exit with its status code.")
    boolean watch;

    @CommandLine.Mixin
    WatchOptions watchOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (watchOptions.out != null && !watch) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out needs --watch");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClientSettings settings = ClientSettings.fromEnv(System.getenv());
        TopicDefinitions topics = TopicDefinitions.load();
        String id = jobId != null ? jobId : "cli-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (ClientTracing tracing = ClientTracing.fromEnv(settings.env())) {
            // The job's trace starts here: uploads, the request record and, with --watch, the wait for its end.
            Span span = tracing.openTelemetry().getTracer(SubmitCommand.class.getName()).spanBuilder("stylize submit")
                    .setAttribute("stylize.job.id", id).startSpan();
            try (Scope ignored = span.makeCurrent()) {
                if (tracing.enabled()) {
                    err.println("trace " + span.getSpanContext().getTraceId());
                }
                int exit = submit(id, settings, topics, tracing, out, err);
                span.setAttribute("stylize.exit", exit);
                return exit;
            } finally {
                span.end();
            }
        }
    }

    private int submit(String id, ClientSettings settings, TopicDefinitions topics, ClientTracing tracing,
            PrintWriter out, PrintWriter err) throws Exception {
        JobRequest request;
        try (ObjectStore store = new ObjectStore(settings.s3())) {
            request = request(id, new InputUploader(store, bucket, inputPrefix, err));
        }
        try (JobProducer producer = new JobProducer(settings.bootstrapServers(), topics, tracing.openTelemetry())) {
            if (!watch) {
                producer.submit(request);
                out.println(id);
                return 0;
            }
            try (JobRecords records = new JobRecords(settings.bootstrapServers(), topics, id)) {
                records.fromNow();
                producer.submit(request);
                out.println(id);
                out.flush();
                return JobWatch.await(records, watchOptions, settings, out, err);
            }
        }
    }

    private JobRequest request(String id, InputUploader inputs) throws java.io.IOException {
        List<ReferenceRef> refs = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            ObjectRef image = inputs.resolve(references.get(i));
            String refMask = params.referenceMask(i);
            refs.add(new ReferenceRef(image.bucket(), image.key(), params.weight(i),
                    refMask == null ? null : inputs.resolve(refMask), params.promptEmbedsScale(i),
                    params.pooledPromptEmbedsScale(i)));
        }
        JobRequest.OutputSpec output = new JobRequest.OutputSpec(outputBucket != null ? outputBucket : bucket,
                outputPrefix, outputFormat(format));
        return new JobRequest(JobRequest.SCHEMA_VERSION, id, Mode.parse(mode), refs,
                target == null ? null : inputs.resolve(target), mask == null ? null : inputs.resolve(mask),
                params.prompt, params.jobParams(), output, deadline);
    }

    static OutputFormat outputFormat(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (OutputFormat f : OutputFormat.values()) {
            if (f.wireName().equals(n) || (f == OutputFormat.JPEG && n.equals("jpg"))) {
                return f;
            }
        }
        throw new StylizeException(ErrorCode.UNSUPPORTED_FORMAT, "--format must be png, jpeg or webp, got " + name);
    }
}
