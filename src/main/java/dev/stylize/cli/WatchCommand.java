package dev.stylize.cli;

import dev.stylize.client.ClientSettings;
import dev.stylize.client.JobRecords;
import dev.stylize.messaging.TopicDefinitions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Follows a job already submitted: its retained progress, then new events, until its result. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow a job's progress (a bar on a terminal, one line per event otherwise) until its result;",
                "exit with the code of its status. A job that already ended answers at once."})
final class WatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOBID")
    String jobId;

    @CommandLine.Mixin
    WatchOptions watchOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ClientSettings settings = ClientSettings.fromEnv(System.getenv());
        try (JobRecords records = new JobRecords(settings.bootstrapServers(), TopicDefinitions.load(), jobId)) {
            records.fromBeginning();
            return JobWatch.await(records, watchOptions, settings, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
    }
}
