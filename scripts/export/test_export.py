"""Tests of export_flux.py that need only torch and onnx (CI: `python3 -m unittest discover -s scripts/export`).

Small stand-in modules replace the diffusers/transformers ones here; the self-test at the end exports the real
architectures and is skipped where diffusers or transformers cannot be imported.
"""
import contextlib
import hashlib
import io
import importlib.util
import json
import os
import shutil
import tempfile
import types
import unittest

import numpy as np
import onnx
import torch
from onnx import TensorProto, numpy_helper

import export_flux as ef

ONNX_TYPE = {torch.float32: TensorProto.FLOAT, torch.float16: TensorProto.FLOAT16,
             torch.bfloat16: TensorProto.BFLOAT16}


def elem_type(value_info):
    return value_info.type.tensor_type.elem_type


def dims(value_info):
    return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in value_info.type.tensor_type.shape.dim]


class FakeRedux(torch.nn.Module):
    """ReduxImageEncoder's interface (a module whose output has .image_embeds) with elementwise weights only,
    so it also runs in float16 on a CPU without half matmul (torch 1.13)."""

    def __init__(self, width, text_width):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.randn(width))
        self.bias = torch.nn.Parameter(torch.randn(text_width))
        self.text_width = text_width

    def forward(self, x):
        reps = -(-self.text_width // x.shape[-1])
        y = torch.cat([x * self.scale] * reps, dim=-1)[..., :self.text_width] + self.bias
        return types.SimpleNamespace(image_embeds=y)


class FakeT5(torch.nn.Module):
    """T5EncoderModel's interface (input_ids in, .last_hidden_state out) as one embedding table."""

    def __init__(self, vocab, width):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, width)

    def forward(self, input_ids):
        return types.SimpleNamespace(last_hidden_state=self.embed(input_ids))


class FakeVae(torch.nn.Module):
    """AutoencoderKL's encode interface: .latent_dist with mean and logvar of the raw latent."""

    def __init__(self, channels, factor):
        super().__init__()
        self.mean = torch.nn.Conv2d(3, channels, factor, stride=factor)
        self.logvar = torch.nn.Conv2d(3, channels, factor, stride=factor)

    def encode(self, images):
        mean, logvar = self.mean(images), self.logvar(images)
        return types.SimpleNamespace(latent_dist=types.SimpleNamespace(mean=mean, logvar=logvar.clamp(-30, 20)))

    def decode(self, latent, return_dict=False):
        return (torch.nn.functional.interpolate(latent[:, :3], scale_factor=8),)


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="export-test-")
        self.addCleanup(shutil.rmtree, self.dir, True)


class ProbeTest(unittest.TestCase):
    def test_opset_is_the_highest_both_torch_and_onnx_take(self):
        opset = ef.supported_opset()
        self.assertGreaterEqual(opset, ef.MIN_OPSET)
        self.assertLessEqual(opset, min(ef.MAX_OPSET, onnx.defs.onnx_opset_version()))
        if opset < min(ef.MAX_OPSET, onnx.defs.onnx_opset_version()):
            with self.assertRaises(Exception):  # the next one up really is refused
                ef._probe_export(torch.nn.Linear(2, 2), (torch.zeros(1, 2),), opset + 1)

    def test_dynamo_keyword_only_where_export_has_it(self):
        import inspect

        has = "dynamo" in inspect.signature(torch.onnx.export).parameters
        self.assertEqual(ef.export_keywords(), {"dynamo": False} if has else {})


class ExportTest(TempDir):
    def test_layer_norm_without_affine_gives_a_valid_graph(self):
        # FLUX's AdaLayerNorm: LayerNorm(elementwise_affine=False); torch 1.13 at opset 17 needs the work-around.
        path = os.path.join(self.dir, "ln", "model.onnx")
        exp = ef.Exporter()
        exp.export(torch.nn.LayerNorm(6, elementwise_affine=False, eps=1e-6), (torch.randn(2, 6),), path,
                   ["x"], ["y"], {"x": {0: "B"}})
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        for node in model.graph.node:
            if node.op_type == "LayerNormalization":
                self.assertTrue(all(node.input[:2]), "empty scale input: %s" % node)

    def test_valid_padding_conv_exports(self):
        # SigLIP's patch embedding is Conv2d(padding="valid"), not exportable as such on torch 1.13.
        path = os.path.join(self.dir, "conv", "model.onnx")
        conv = torch.nn.Conv2d(3, 4, 2, stride=2, padding="valid")
        x = torch.randn(1, 3, 8, 8)
        before = conv(x)
        ef.Exporter().export(conv, (x,), path, ["x"], ["y"], {})
        self.assertTrue(torch.equal(conv(x), before))  # the rewrite, where made, keeps the result
        model = onnx.load(path)
        self.assertEqual([n.op_type for n in model.graph.node], ["Conv"])
        self.assertEqual(dims(model.graph.output[0]), [1, 4, 4, 4])

    def test_sdpa_polyfill_matches_the_definition(self):
        q, k, v = torch.randn(1, 2, 5, 4), torch.randn(1, 2, 7, 4), torch.randn(1, 2, 7, 4)
        w = torch.softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1)
        self.assertTrue(torch.allclose(ef._sdpa_math(q, k, v), w @ v, atol=1e-6))
        mask = torch.rand(1, 1, 5, 7) > 0.3
        mask[..., 0] = True
        got = ef._sdpa_math(q, k, v, attn_mask=mask)
        ref = torch.softmax((q @ k.transpose(-2, -1) / 2.0).masked_fill(~mask, float("-inf")), dim=-1) @ v
        self.assertTrue(torch.allclose(got, ref, atol=1e-6))
        fn = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
        if fn is not None and fn is not ef._sdpa_math:  # torch >= 2.0: the polyfill agrees with torch's own
            self.assertTrue(torch.allclose(fn(q, k, v, attn_mask=mask), got, atol=1e-5))


class ManifestTest(TempDir):
    def test_sha256(self):
        p = os.path.join(self.dir, "f")
        with open(p, "wb") as f:
            f.write(b"abc")
        self.assertEqual(ef.sha256(p), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

    def test_manifest_lists_every_file_with_its_sha256(self):
        exp = ef.Exporter()
        k = dict(ef.TINY_CONSTANTS)
        comps = {"redux": ef.export_redux(exp, FakeRedux(k["siglipWidth"], k["textWidth"]), self.dir,
                                          torch.float32, "cpu", k)}
        ef.write_json(ef.word_level_tokenizer(ef.T5_SPECIALS, ["a"], 4), os.path.join(self.dir, "t5/tokenizer.json"))
        comps["t5"] = ef.component("t5/model.onnx", None, {"input_ids": "input_ids"},
                                   {"text_embeddings": "text_embeddings"}, "cpu", "t5/tokenizer.json")
        shutil.copy(os.path.join(self.dir, "redux/model.onnx"), os.path.join(self.dir, "t5/model.onnx"))
        ef.write_manifest(self.dir, "m", "d", k, comps)

        with open(os.path.join(self.dir, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["manifestVersion"], 1)
        self.assertEqual(m["constants"], k)
        redux = m["components"]["redux"]
        self.assertEqual(redux["file"], "redux/model.onnx")
        self.assertNotIn("dataFiles", redux)  # small graph: no external data
        self.assertEqual(redux["inputs"], {"siglip_embeds": "siglip_embeds"})
        self.assertEqual(redux["outputs"], {"image_embeds": "image_embeds"})
        for spec in m["components"].values():
            with open(os.path.join(self.dir, spec["file"]), "rb") as f:
                self.assertEqual(spec["sha256"], hashlib.sha256(f.read()).hexdigest())
        with open(os.path.join(self.dir, "t5/tokenizer.json"), "rb") as f:
            self.assertEqual(m["components"]["t5"]["tokenizerSha256"], hashlib.sha256(f.read()).hexdigest())
        # The graph has the contract's shapes for these constants (IoContract: (*, tokens, width)).
        g = onnx.load(os.path.join(self.dir, redux["file"])).graph
        self.assertEqual(dims(g.input[0])[1:], [16, k["siglipWidth"]])
        self.assertEqual(dims(g.output[0])[1:], [16, k["textWidth"]])

    def test_external_data_above_the_threshold(self):
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 8))
        threshold = 4096  # the weights are ~19 KB
        exp = ef.Exporter(external_threshold=threshold)
        path = os.path.join(self.dir, "siglip", "model.onnx")
        x = torch.randn(1, 64)
        data = exp.export(model, (x,), path, ["x"], ["y"], {"x": {0: "B"}})
        self.assertEqual(data, "model.onnx_data")
        data_path = os.path.join(self.dir, "siglip", data)
        self.assertGreater(os.path.getsize(data_path), 64 * 64 * 4)
        self.assertLess(os.path.getsize(path), threshold)  # the weights left the graph file
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "siglip"))), ["model.onnx", "model.onnx_data"])

        # Exporting again replaces the data file rather than appending to it.
        size = os.path.getsize(data_path)
        exp.export(model, (x,), path, ["x"], ["y"], {"x": {0: "B"}})
        self.assertEqual(os.path.getsize(data_path), size)

        spec = ef.component("siglip/model.onnx", data, {"x": "x"}, {"y": "y"}, "cpu")
        m = ef.write_manifest(self.dir, "m", "d", dict(ef.TINY_CONSTANTS), {"siglip": spec})
        self.assertEqual(m["components"]["siglip"]["dataFiles"],
                         [{"file": "siglip/model.onnx_data", "sha256": ef.sha256(data_path)}])

        loaded = onnx.load(path)  # resolves the data file next to the graph
        weights = {t.name: numpy_helper.to_array(t) for t in loaded.graph.initializer}
        want = sorted(p.detach().numpy().tobytes() for p in model.parameters())
        got = sorted(w.tobytes() for w in weights.values())
        self.assertEqual(got, want)
        onnx.checker.check_model(path)

        # Below the threshold: one file.
        small = os.path.join(self.dir, "clip", "model.onnx")
        self.assertIsNone(ef.Exporter(external_threshold=1 << 30).export(model, (x,), small, ["x"], ["y"], {}))
        self.assertEqual(os.listdir(os.path.dirname(small)), ["model.onnx"])


class PrecisionTest(TempDir):
    def test_components_are_cast_to_the_precision_asked(self):
        exp = ef.Exporter()
        k = dict(ef.TINY_CONSTANTS)
        for name, dtype in ef.DTYPES.items():
            with self.subTest(precision=name):
                out = os.path.join(self.dir, name)
                spec = ef.export_redux(exp, FakeRedux(k["siglipWidth"], k["textWidth"]), out, dtype, "cpu", k)
                g = onnx.load(os.path.join(out, spec["file"])).graph
                self.assertEqual(elem_type(g.input[0]), ONNX_TYPE[dtype])
                self.assertEqual(elem_type(g.output[0]), ONNX_TYPE[dtype])
                self.assertTrue(g.initializer)
                for t in g.initializer:
                    self.assertEqual(t.data_type, ONNX_TYPE[dtype], t.name)

    def test_vae_encoder_returns_mean_and_logvar_in_its_precision(self):
        exp = ef.Exporter()
        k = dict(ef.TINY_CONSTANTS)
        for dtype in (torch.float32, torch.bfloat16):
            with self.subTest(dtype=str(dtype)):
                out = os.path.join(self.dir, str(dtype))
                enc, dec = ef.export_vae(exp, FakeVae(k["latentChannels"], k["vaeScaleFactor"]), out, dtype, "cpu", k,
                                         size=16)
                self.assertEqual(enc["outputs"], {"latent": "latent", "logvar": "logvar"})
                g = onnx.load(os.path.join(out, enc["file"])).graph
                self.assertEqual([o.name for o in g.output], ["latent", "logvar"])
                for o in g.output:
                    self.assertEqual(elem_type(o), ONNX_TYPE[dtype])
                    self.assertEqual(len(dims(o)), 4)
                    self.assertEqual(dims(o)[1], k["latentChannels"])
                self.assertEqual(dec["inputs"], {"latent": "latent"})

    def test_t5_goes_on_the_gpu_unless_fp32(self):
        """ONNX Runtime's CPU provider has no bf16 kernels: a bf16 T5's manifest entry names cuda."""
        exp = ef.Exporter()
        k = dict(ef.TINY_CONSTANTS)
        for name, provider in (("fp32", "cpu"), ("bf16", "cuda")):
            with self.subTest(precision=name):
                out = os.path.join(self.dir, name)
                tokenizer = ef.word_level_tokenizer(ef.T5_SPECIALS, ["a"], k["textLength"])
                spec = ef.export_t5(exp, FakeT5(8, k["textWidth"]), out, ef.DTYPES[name], "cpu", k,
                                    lambda p: ef.write_json(tokenizer, p))
                self.assertEqual(spec["provider"], provider)
                g = onnx.load(os.path.join(out, spec["file"])).graph
                self.assertEqual(elem_type(g.input[0]), TensorProto.INT32)
                self.assertEqual(elem_type(g.output[0]), ONNX_TYPE[ef.DTYPES[name]])
                self.assertEqual(dims(g.output[0])[1:], [k["textLength"], k["textWidth"]])

    def test_t5_is_never_fp16(self):
        err = io.StringIO()
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(err):
            ef.main(["--out", os.path.join(self.dir, "x"), "--t5-precision", "fp16"])
        self.assertIn("invalid choice: 'fp16'", err.getvalue())

    def test_precision_probe(self):
        ef.check_precision(torch.float32, "cpu")
        for dtype in (torch.float16, torch.bfloat16):
            try:
                torch.nn.Linear(2, 2).to(dtype)(torch.zeros(1, 2, dtype=dtype))
                works = True
            except RuntimeError:
                works = False
            if works:
                ef.check_precision(dtype, "cpu")
            else:
                with self.assertRaises(SystemExit) as e:
                    ef.check_precision(dtype, "cpu")
                self.assertIn(str(dtype), str(e.exception))


class TokenizerTest(TempDir):
    def test_t5_tokenizer(self):
        t = ef.word_level_tokenizer(ef.T5_SPECIALS, ["a", "cat"], 16)
        self.assertEqual(t["model"]["type"], "WordLevel")
        self.assertEqual(t["model"]["vocab"], {"<pad>": 0, "</s>": 1, "<unk>": 2, "a": 3, "cat": 4})
        self.assertEqual(t["padding"]["strategy"], {"Fixed": 16})
        self.assertEqual((t["padding"]["pad_id"], t["padding"]["pad_token"]), (0, "<pad>"))
        self.assertEqual(t["truncation"]["max_length"], 16)
        self.assertEqual(t["post_processor"]["single"],
                         [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}])
        self.assertEqual(t["post_processor"]["special_tokens"], {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}})
        self.assertEqual([a["content"] for a in t["added_tokens"]], ["<pad>", "</s>", "<unk>"])

    def test_clip_tokenizer_pads_with_its_end_token(self):
        t = ef.word_level_tokenizer(ef.CLIP_SPECIALS, ["a"], 8)
        self.assertEqual((t["padding"]["pad_id"], t["padding"]["pad_token"]), (1, "<|endoftext|>"))
        self.assertEqual([list(p)[0] + ":" + list(p.values())[0]["id"] for p in t["post_processor"]["single"]],
                         ["SpecialToken:<|startoftext|>", "Sequence:A", "SpecialToken:<|endoftext|>"])
        self.assertEqual(sorted(t["post_processor"]["special_tokens"]), ["<|endoftext|>", "<|startoftext|>"])

    def test_repeated_word_is_refused(self):
        with self.assertRaises(ValueError):
            ef.word_level_tokenizer(ef.T5_SPECIALS, ["a", "a"], 4)
        with self.assertRaises(ValueError):
            ef.word_level_tokenizer(ef.T5_SPECIALS, ["</s>"], 4)

    @unittest.skipUnless(importlib.util.find_spec("tokenizers"), "Hugging Face tokenizers not installed")
    def test_loads_in_hugging_face_tokenizers(self):
        from tokenizers import Tokenizer

        path = os.path.join(self.dir, "t5", "tokenizer.json")
        ef.write_json(ef.word_level_tokenizer(ef.T5_SPECIALS, ef.TINY_WORDS, 8), path)
        enc = Tokenizer.from_file(path).encode("A red cat, zebra")
        self.assertEqual(enc.ids, [3, 9, 7, 13, 2, 1, 0, 0])


def _has(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@unittest.skipUnless(_has("diffusers") and _has("transformers"), "diffusers/transformers not importable")
class SelfTest(TempDir):
    """Every component's real architecture at toy size, exported and (when the worker jar is built) checked by
    `models check` and run through one composite job."""

    def test_self_test(self):
        out = os.path.join(self.dir, "models")
        jar = os.path.join(ef.REPO_ROOT, "target", "quarkus-app", "quarkus-run.jar")
        ef.self_test(out, jar, check=os.path.isfile(jar))
        with open(os.path.join(out, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(sorted(m["components"]), ["clip", "dev_transformer", "fill_transformer", "redux", "siglip",
                                                   "t5", "vae_decoder", "vae_encoder"])
        self.assertEqual(m["components"]["vae_encoder"]["outputs"], {"latent": "latent", "logvar": "logvar"})


if __name__ == "__main__":
    unittest.main()
