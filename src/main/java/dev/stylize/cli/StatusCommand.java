package dev.stylize.cli;

import dev.stylize.client.ClientSettings;
import dev.stylize.client.JobExit;
import dev.stylize.client.JobLookup;
import dev.stylize.client.JobRecords;
import dev.stylize.client.ProgressText;
import dev.stylize.job.OutputInfo;
import dev.stylize.messaging.TopicDefinitions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** A job's latest result, else its latest progress, else "unknown"; reads only the key's partitions. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a job's latest result (or its latest progress) and exit with the code of its status.")
final class StatusCommand implements Callable<Integer> {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    @Parameters(index = "0", paramLabel = "JOBID")
    String jobId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ClientSettings settings = ClientSettings.fromEnv(System.getenv());
        JobLookup.Standing standing;
        try (JobRecords records = new JobRecords(settings.bootstrapServers(), TopicDefinitions.load(), jobId)) {
            standing = JobLookup.lookup(records, READ_TIMEOUT);
        }
        if (standing.result() != null) {
            out.println(ProgressText.result(standing.result()));
            for (OutputInfo o : standing.result().outputs()) {
                out.println("output s3://" + o.bucket() + "/" + o.key() + " sha256 " + o.sha256());
            }
            return JobExit.of(standing.result().status()).code;
        }
        out.println(standing.progress() != null ? ProgressText.line(standing.progress()) : jobId + " unknown");
        return JobExit.NOT_FINISHED.code;
    }
}
