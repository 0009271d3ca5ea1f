package dev.stylize.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stylize.job.JobStatus;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JobExitTest {
    @Test
    void eachStatusHasItsOwnCode() {
        assertEquals(0, JobExit.of(JobStatus.SUCCEEDED).code);
        assertEquals(2, JobExit.of(JobStatus.FAILED).code);
        assertEquals(3, JobExit.of(JobStatus.CANCELLED).code);
        assertEquals(4, JobExit.of(JobStatus.EXPIRED).code);
        assertEquals(5, JobExit.TIMEOUT.code);
        assertEquals(6, JobExit.NOT_FINISHED.code);
    }

    @Test
    void codesAreDistinctAndNeverOneWhichMeansTheCommandFailed() {
        Set<Integer> codes = Arrays.stream(JobExit.values()).map(e -> e.code).collect(Collectors.toSet());
        assertEquals(JobExit.values().length, codes.size());
        assertEquals(false, codes.contains(1));
        assertEquals(JobExit.values().length + 1, JobExit.helpList().size(), "the help lists every code and 1");
    }
}
