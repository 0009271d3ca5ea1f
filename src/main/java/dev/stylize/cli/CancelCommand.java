package dev.stylize.cli;

import dev.stylize.client.ClientSettings;
import dev.stylize.client.ClientTracing;
import dev.stylize.client.JobProducer;
import dev.stylize.messaging.TopicDefinitions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Asks every worker to stop a job: a cancellation on the control topic, which all of them read. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a queued or running job (the worker answers with a CANCELLED result;",
                "a job that already ended is not affected). Use watch or status to see it end."})
final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOBID")
    String jobId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ClientSettings settings = ClientSettings.fromEnv(System.getenv());
        try (ClientTracing tracing = ClientTracing.fromEnv(settings.env());
                JobProducer producer = new JobProducer(settings.bootstrapServers(), TopicDefinitions.load(),
                        tracing.openTelemetry())) {
            producer.cancel(jobId);
        }
        spec.commandLine().getOut().println("cancel requested for " + jobId);
        return 0;
    }
}
