package dev.stylize.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DevStackTest {
    @Test
    void theTestBuildHasTheDevStack() {
        // The dev-stack Maven profile (on by default) must give the tests the broker's jars and S3Proxy.
        assertEquals(List.of(), DevStack.missing(DevStack.class.getClassLoader(), S3Server.jarPath()));
    }

    @Test
    void withoutTheBrokerOrS3ProxyTheMessageSaysWhatIsMissingAndHowToGetIt(@TempDir Path dir) throws Exception {
        Path noJar = dir.resolve("s3proxy.jar");
        try (URLClassLoader noKafka = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            List<String> missing = DevStack.missing(noKafka, noJar);
            assertEquals(2, missing.size(), missing.toString());
            String message = DevStack.message(missing);
            assertTrue(message.contains("kafka_2.13") && message.contains("S3Proxy") && message.contains(noJar.toString()),
                    message);
            assertTrue(message.contains("-Dproduction") && message.contains("mvn -B -ntp package -DskipTests"), message);
            assertEquals(List.of(missing.get(0)), DevStack.missing(noKafka, S3Server.jarPath()));
        }
    }

    @Test
    void stackCommandFailsWithTheMessageNotATrace(@TempDir Path dir) {
        String saved = System.getProperty(S3Server.JAR_PROPERTY);
        System.setProperty(S3Server.JAR_PROPERTY, dir.resolve("absent.jar").toString());
        try {
            for (String[] args : List.of(new String[] {"stack"}, new String[] {"demo"},
                    new String[] {"bench", "throughput"}, new String[] {"bench", "overhead"})) {
                CommandLine cl = Main.commandLine();
                StringWriter err = new StringWriter();
                cl.setErr(new PrintWriter(err, true));
                int rc = cl.execute(args);
                String text = err.toString();
                assertEquals(1, rc, String.join(" ", args) + ": " + text);
                assertTrue(text.startsWith("error: this build has no dev stack: the S3 server"), text);
                assertTrue(text.contains("absent.jar"), text);
                assertFalse(text.contains("\tat "), "no stack trace: " + text);
            }
        } finally {
            if (saved == null) {
                System.clearProperty(S3Server.JAR_PROPERTY);
            } else {
                System.setProperty(S3Server.JAR_PROPERTY, saved);
            }
        }
    }
}
