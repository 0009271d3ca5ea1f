package dev.stylize.analytic;

import java.util.List;

/**
 * The small English vocabulary shared by the analytic T5 and CLIP tokenizers. Ids 0..2 are the
 * special tokens of each tokenizer, word {@code i} of {@link #WORDS} has id {@code 3 + i} in both.
 */
final class TextVocabulary {

    /** Lower-case words; the tokenizers lowercase their input first. */
    static final List<String> WORDS = List.of(
            "a", "an", "the", "of", "in", "on", "with", "and", "at", "by",
            "photo", "painting", "portrait", "landscape", "sketch", "style", "art", "oil", "watercolor", "digital",
            "cat", "dog", "house", "tree", "sky", "sea", "mountain", "city", "street", "forest",
            "river", "flower", "woman", "man", "child", "red", "green", "blue", "yellow", "white",
            "black", "bright", "dark", "soft", "light", "shadow", "sunset", "night", "morning", "old",
            ",", ".");

    static final int FIRST_WORD_ID = 3;

    static int size() {
        return FIRST_WORD_ID + WORDS.size();
    }

    private TextVocabulary() {}
}
