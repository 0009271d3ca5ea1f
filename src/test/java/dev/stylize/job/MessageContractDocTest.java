package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples in docs/message-contract.md parse and satisfy their schemas; every ErrorCode is documented. */
class MessageContractDocTest {
    private static final Path DOC = Path.of("docs/message-contract.md");

    @Test
    void examplesAreValid() throws IOException {
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> kinds = new ArrayList<>();
        while (m.find()) {
            byte[] json = m.group(1).getBytes(StandardCharsets.UTF_8);
            JsonNode tree = Schemas.tree(json);
            if (tree.has("status")) {
                kinds.add("result");
                assertEquals("", Schemas.result(tree));
                JobJson.parseResult(json);
            } else if (tree.has("phase")) {
                kinds.add("progress");
                assertEquals("", Schemas.progress(tree));
                JobJson.parseProgress(json);
            } else {
                kinds.add("request");
                assertEquals("", Schemas.request(tree));
                JobJson.parseRequest(json);
            }
        }
        assertEquals(List.of("request", "progress", "result", "result"), kinds);
    }

    @Test
    void everyErrorCodeIsDocumented() throws IOException {
        String doc = Files.readString(DOC);
        for (ErrorCode c : ErrorCode.values()) {
            String row = "| `" + c.name() + "` | " + JobStatus.forError(c) + " |";
            assertTrue(doc.contains(row), "no row " + row);
            String retried = c.permanent() ? "| no |" : "| yes |";
            int at = doc.indexOf(row);
            String line = doc.substring(at, doc.indexOf('\n', at));
            assertTrue(line.endsWith(retried), line);
        }
    }
}
