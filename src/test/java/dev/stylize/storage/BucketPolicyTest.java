package dev.stylize.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BucketPolicyTest {
    @Test
    void listAllowsOnlyItsBuckets() {
        BucketPolicy p = BucketPolicy.parse(" in , out,,");
        assertEquals(Set.of("in", "out"), p.allowed());
        assertTrue(p.allows("in"));
        assertTrue(p.allows("out"));
        assertFalse(p.allows("other"));
        assertFalse(p.allows("IN"));
        assertDoesNotThrow(() -> p.check("in"));
        StylizeException e = assertThrows(StylizeException.class, () -> p.check("secret-bucket"));
        assertEquals(ErrorCode.BUCKET_NOT_ALLOWED, e.code());
        assertTrue(e.getMessage().contains("secret-bucket"), e.getMessage());
    }

    @Test
    void starAllowsAny() {
        assertTrue(BucketPolicy.parse("*").allows("anything"));
        assertTrue(BucketPolicy.parse("a,*").allows("b"));
        assertTrue(BucketPolicy.allowAny().allowsAny());
    }

    @Test
    void unsetAllowsNothing() {
        for (String csv : new String[] {null, "", " , "}) {
            BucketPolicy p = BucketPolicy.parse(csv);
            assertFalse(p.allows("stylize"));
            StylizeException e = assertThrows(StylizeException.class, () -> p.check("stylize"));
            assertTrue(e.getMessage().contains(BucketPolicy.ENV), e.getMessage());
        }
    }

    @Test
    void retryBackoffDoublesUpToTheCap() {
        RetryPolicy r = new RetryPolicy(6, java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(1000));
        assertEquals(200, r.backoffAfter(1).toMillis());
        assertEquals(400, r.backoffAfter(2).toMillis());
        assertEquals(800, r.backoffAfter(3).toMillis());
        assertEquals(1000, r.backoffAfter(4).toMillis());
        assertEquals(1000, r.backoffAfter(5).toMillis());
    }
}
