package dev.stylize.analytic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A HuggingFace {@code tokenizer.json} for a WordLevel model over {@link TextVocabulary}: lowercase
 * normalizer, whitespace pre-tokenizer (words and punctuation runs), a TemplateProcessing
 * post-processor that adds the special tokens, and fixed-length padding/truncation sections (the
 * DJL binding only takes the pad id from them; the pipeline pads explicitly).
 */
final class WordLevelTokenizerJson {

    /** Ids 0..2 of one tokenizer: its pad, end and unknown token, plus an optional begin token. */
    record Specials(String[] tokens, String pad, String unk, String bos, String eos) {}

    /** T5: {@code <pad>}=0, {@code </s>}=1, {@code <unk>}=2; "$A </s>"; pads with 0 to 512. */
    static final Specials T5 = new Specials(new String[] {"<pad>", "</s>", "<unk>"},
            "<pad>", "<unk>", null, "</s>");

    /**
     * CLIP: {@code <|startoftext|>}=0, {@code <|endoftext|>}=1, {@code <unk>}=2;
     * "&lt;|startoftext|&gt; $A &lt;|endoftext|&gt;"; pads with the end token (id 1) to 77, as the
     * real FLUX CLIP tokenizer does.
     */
    static final Specials CLIP = new Specials(new String[] {"<|startoftext|>", "<|endoftext|>", "<unk>"},
            "<|endoftext|>", "<unk>", "<|startoftext|>", "<|endoftext|>");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WordLevelTokenizerJson() {}

    static byte[] render(Specials specials, int maxLength) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.set("truncation", JSON.createObjectNode()
                .put("direction", "Right").put("max_length", maxLength)
                .put("strategy", "LongestFirst").put("stride", 0));
        ObjectNode padding = JSON.createObjectNode();
        padding.set("strategy", JSON.createObjectNode().put("Fixed", maxLength));
        padding.put("direction", "Right").putNull("pad_to_multiple_of")
                .put("pad_id", id(specials, specials.pad())).put("pad_type_id", 0)
                .put("pad_token", specials.pad());
        root.set("padding", padding);

        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specials.tokens().length; i++) {
            added.addObject().put("id", i).put("content", specials.tokens()[i]).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.set("normalizer", JSON.createObjectNode().put("type", "Lowercase"));
        root.set("pre_tokenizer", JSON.createObjectNode().put("type", "Whitespace"));
        root.set("post_processor", template(specials));
        root.putNull("decoder");

        ObjectNode model = JSON.createObjectNode().put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < specials.tokens().length; i++) {
            vocab.put(specials.tokens()[i], i);
        }
        List<String> words = TextVocabulary.WORDS;
        for (int i = 0; i < words.size(); i++) {
            vocab.put(words.get(i), TextVocabulary.FIRST_WORD_ID + i);
        }
        model.put("unk_token", specials.unk());
        root.set("model", model);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode template(Specials specials) {
        ObjectNode post = JSON.createObjectNode().put("type", "TemplateProcessing");
        post.set("single", pieces(specials, "A"));
        post.set("pair", pieces(specials, "A", "B"));
        ObjectNode specialTokens = post.putObject("special_tokens");
        for (String t : new String[] {specials.bos(), specials.eos()}) {
            if (t != null) {
                ObjectNode s = specialTokens.putObject(t).put("id", t);
                s.putArray("ids").add(id(specials, t));
                s.putArray("tokens").add(t);
            }
        }
        return post;
    }

    /** "[bos] $seq eos" for each sequence, in order. */
    private static ArrayNode pieces(Specials specials, String... sequences) {
        ArrayNode template = JSON.createArrayNode();
        for (String seq : sequences) {
            if (specials.bos() != null) {
                template.addObject().putObject("SpecialToken").put("id", specials.bos()).put("type_id", 0);
            }
            template.addObject().putObject("Sequence").put("id", seq).put("type_id", 0);
            template.addObject().putObject("SpecialToken").put("id", specials.eos()).put("type_id", 0);
        }
        return template;
    }

    private static int id(Specials specials, String token) {
        for (int i = 0; i < specials.tokens().length; i++) {
            if (specials.tokens()[i].equals(token)) {
                return i;
            }
        }
        throw new IllegalArgumentException(token);
    }
}
