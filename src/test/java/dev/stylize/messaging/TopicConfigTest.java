package dev.stylize.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The app's channel topics are the ones kafka-topics/ defines (the single source of truth). */
class TopicConfigTest {
    @Test
    void channelTopicsMatchTheDefinitions() throws IOException {
        Properties app = new Properties();
        try (InputStream in = TopicConfigTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        TopicDefinitions topics = TopicDefinitions.load();
        Map<String, String> channelToRole = Map.of(
                "mp.messaging.incoming.requests.topic", "requests",
                "mp.messaging.incoming.control.topic", "control",
                "mp.messaging.outgoing.progress.topic", "progress",
                "mp.messaging.outgoing.results.topic", "results",
                "mp.messaging.outgoing.dlq.topic", "dlq");
        channelToRole.forEach((property, role) ->
                assertEquals(topics.byRole(role).name(), app.getProperty(property), property));
        assertEquals(5, topics.all().size(), "every defined topic is used by a channel");
    }
}
