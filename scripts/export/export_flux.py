#!/usr/bin/env python3
"""Export FLUX.1 Redux + Fill (and optionally FLUX.1 [dev]) to ONNX in the layout stylize-worker loads.

Real weights (needs diffusers, transformers, tokenizers and the gated FLUX.1 repositories; a large GPU or
~200 GB of RAM; never run here, see docs/exporting-models.md):

    pip install -r scripts/export/requirements.txt
    huggingface-cli login        # FLUX.1 [dev] family repos are gated (non-commercial licence)
    python scripts/export/export_flux.py --out /data/flux1-redux-fill [--dev] [--precision bf16]
    java -jar target/quarkus-app/quarkus-run.jar models check --models /data/flux1-redux-fill

Self-test (tiny random configurations of every component, exported through the same functions, then
`models check` on the result; needs diffusers and transformers but no weights and no network):

    mvn -B -ntp -o package -DskipTests
    python scripts/export/export_flux.py --self-test target/export-self-test

Tensor names are the manifest's roles (src/main/java/dev/stylize/runtime/Component.java; shapes in
IoContract.java): the manifest maps each role to the same name. Graphs whose weights pass the external-data
threshold (2 GB less a margin) keep them in one data file next to model.onnx, listed in the manifest with its
own sha256.

Runs on torch 1.13 through current torch: the exporter's keywords, the highest opset (at most 18) and the
need for each work-around are detected by probing, not by version numbers.

VAE encoder outputs: `latent` is the posterior mean mu of the raw (unscaled) latent, as the worker expects
(it normalises z = scalingFactor * (mu - shiftFactor) itself, VaeCodec.java); `logvar` is the posterior
log-variance of the same raw latent, clamped to [-30, 20] as diffusers does. The normalised latent z then
has variance exp(logvar) * scalingFactor^2, i.e. log-variance logvar + 2 ln(scalingFactor); the shift does
not change the variance.
"""
import argparse
import gc
import hashlib
import inspect
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import torch

FLUX_DEV = "black-forest-labs/FLUX.1-dev"
FLUX_FILL = "black-forest-labs/FLUX.1-Fill-dev"
FLUX_REDUX = "black-forest-labs/FLUX.1-Redux-dev"
SIGLIP = "google/siglip-so400m-patch14-384"
MAX_OPSET = 18  # the highest the worker's ONNX Runtime is known to take
MIN_OPSET = 14
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
# onnx.save refuses single protobufs over 2 GB; the margin leaves room for the graph itself.
EXTERNAL_DATA_THRESHOLD = (2 << 30) - (64 << 20)

# ModelManifest.FLUX1 (src/main/java/dev/stylize/runtime/ModelManifest.java).
FLUX1_CONSTANTS = {"latentChannels": 16, "scalingFactor": 0.3611, "shiftFactor": 0.1159, "vaeScaleFactor": 8,
                   "textLength": 512, "textWidth": 4096, "pooledWidth": 768, "clipLength": 77,
                   "siglipImageSize": 384, "siglipPatchSize": 14, "siglipWidth": 1152}
# Fill's hidden_states: [x (4C) | masked-image latent (4C) | mask (8*8*4 = 256)] (IoContract.java).
FILL_MASK_CHANNELS = 256
REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------------
# What this torch can do (probed once per process).

def export_keywords():
    """torch >= 2.5 defaults to (or offers) the dynamo exporter; the TorchScript one is what is tested here."""
    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def _probe_export(module, args, opset):
    import onnx

    buf = io.BytesIO()
    torch.onnx.export(module.eval(), args, buf, opset_version=opset, input_names=["x"], output_names=["y"],
                      **export_keywords())
    model = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(model, full_check=True)
    return model


_OPSET = None


def supported_opset():
    """Highest opset <= MAX_OPSET that both this torch exports and the installed onnx checks."""
    global _OPSET
    if _OPSET is None:
        import onnx

        top = min(MAX_OPSET, onnx.defs.onnx_opset_version())
        for opset in range(top, MIN_OPSET - 1, -1):
            try:
                _probe_export(torch.nn.Linear(2, 2), (torch.zeros(1, 2),), opset)
            except (ValueError, RuntimeError, onnx.checker.ValidationError):
                continue  # torch 1.13 raises ValueError("Unsupported ONNX opset version: 18")
            _OPSET = opset
            break
        else:
            raise SystemExit("torch %s exports no opset in [%d, %d]" % (torch.__version__, MIN_OPSET, top))
    return _OPSET


def _layer_norm_scale_bias(g, input, normalized_shape, weight, bias, eps, cudnn_enable):
    """aten::layer_norm at opset 17+ with explicit ones/zeros where the module has no affine parameters."""
    from torch.onnx import symbolic_helper as sh

    shape = sh._get_const(normalized_shape, "is", "normalized_shape")
    if sh._is_none(weight):
        weight = g.op("CastLike", g.op("Constant", value_t=torch.ones(shape)), input)
    if sh._is_none(bias):
        bias = g.op("CastLike", g.op("Constant", value_t=torch.zeros(shape)), input)
    return g.op("LayerNormalization", input, weight, bias, epsilon_f=sh._get_const(eps, "f", "eps"),
                axis_i=-len(shape))


_LAYER_NORM_CHECKED = set()


def ensure_layer_norm(opset):
    """torch 1.13 at opset 17 writes LayerNormalization with an empty scale for LayerNorm(elementwise_affine=
    False) (FLUX's AdaLayerNorm), which onnx rejects; where the probe shows that, export it with ones/zeros."""
    if opset in _LAYER_NORM_CHECKED:
        return False
    import onnx

    probe = (torch.nn.LayerNorm(4, elementwise_affine=False), (torch.zeros(1, 4),), opset)
    applied = False
    try:
        _probe_export(*probe)
    except onnx.checker.ValidationError:
        torch.onnx.register_custom_op_symbolic("aten::layer_norm", _layer_norm_scale_bias, opset)
        _probe_export(*probe)  # fails loudly if the work-around does not help either
        applied = True
    _LAYER_NORM_CHECKED.add(opset)
    return applied


_VALID_PADDING_EXPORTS = None


def ensure_conv_padding(module):
    """Conv padding="valid" (SigLIP's patch embedding) traces to aten::_convolution_mode, which torch 1.13
    cannot export; where the probe shows that, give those convolutions the same padding as numbers (0)."""
    global _VALID_PADDING_EXPORTS
    if _VALID_PADDING_EXPORTS is None:
        try:
            _probe_export(torch.nn.Conv2d(1, 1, 1, padding="valid"), (torch.zeros(1, 1, 2, 2),), supported_opset())
            _VALID_PADDING_EXPORTS = True
        except torch.onnx.errors.UnsupportedOperatorError:
            _VALID_PADDING_EXPORTS = False
    changed = 0
    if not _VALID_PADDING_EXPORTS:
        for m in module.modules():
            if isinstance(m, torch.nn.modules.conv._ConvNd) and m.padding == "valid":
                m.padding = (0,) * len(m.kernel_size)
                changed += 1
    return changed


def _sdpa_math(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """The reference definition of torch 2's scaled_dot_product_attention (inference: no dropout)."""
    if dropout_p or is_causal:
        raise NotImplementedError("export needs dropout_p=0 and is_causal=False")
    weights = query @ key.transpose(-2, -1) * (scale if scale is not None else 1.0 / math.sqrt(query.shape[-1]))
    if attn_mask is not None:
        weights = weights.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool \
            else weights + attn_mask
    return torch.softmax(weights, dim=-1) @ value


def ensure_sdpa():
    """diffusers' Flux attention calls F.scaled_dot_product_attention (torch >= 2.0); before that, give it the
    same computation in plain ops, which the TorchScript exporter writes as MatMul/Softmax."""
    functional = torch.nn.functional
    if hasattr(functional, "scaled_dot_product_attention"):
        return False
    functional.scaled_dot_product_attention = _sdpa_math
    return True


def import_diffusers():
    """Imports what the exporter uses from diffusers. diffusers 0.32 lists torch.float8_* at import (its
    torchao quantization table), dtypes that torch only has from 2.1; the exporter never quantizes, so those
    names exist only while diffusers imports."""
    ensure_sdpa()
    missing = [n for n in ("float8_e4m3fn", "float8_e5m2") if not hasattr(torch, n)]
    for n in missing:
        setattr(torch, n, None)
    try:
        from diffusers import AutoencoderKL, FluxTransformer2DModel
        from diffusers.pipelines.flux.modeling_flux import ReduxImageEncoder
    finally:
        for n in missing:
            delattr(torch, n)
    return FluxTransformer2DModel, AutoencoderKL, ReduxImageEncoder


def check_precision(dtype, device):
    """Tracing runs the model: fail before loading weights if this device has no matmul in that dtype
    (torch 1.13's CPU has no float16 addmm)."""
    try:
        torch.nn.Linear(2, 2).to(device=device, dtype=dtype)(torch.zeros(1, 2, device=device, dtype=dtype))
    except RuntimeError as e:
        raise SystemExit("precision %s is not available on %s with torch %s (%s); use another --device or "
                         "precision" % (dtype, device, torch.__version__, str(e).splitlines()[0]))


# ---------------------------------------------------------------------------------------------------------
# One graph.

class Exporter:
    def __init__(self, opset=None, external_threshold=EXTERNAL_DATA_THRESHOLD):
        self.opset = opset or supported_opset()
        self.external_threshold = external_threshold
        self.layer_norm_workaround = ensure_layer_norm(self.opset)
        self.keywords = export_keywords()
        self.conv_padding_workarounds = 0

    def export(self, module, args, path, inputs, outputs, dynamic_axes):
        """torch.onnx.export (TorchScript exporter) into a scratch dir, then one model.onnx, plus one data file
        when the initializers reach external_threshold bytes. Returns the data file's name or None."""
        import onnx

        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.conv_padding_workarounds += ensure_conv_padding(module)
        scratch = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=".export-")
        try:
            tmp = os.path.join(scratch, "model.onnx")
            with torch.no_grad():  # inference_mode tensors cannot be traced on torch 1.13
                torch.onnx.export(module.eval(), args, tmp, input_names=inputs, output_names=outputs,
                                  dynamic_axes=dynamic_axes, opset_version=self.opset, do_constant_folding=True,
                                  **self.keywords)
            model = onnx.load(tmp, load_external_data=True)
            big = sum(t.ByteSize() for t in model.graph.initializer) >= self.external_threshold
            data = os.path.basename(path) + "_data"
            for name in (path, os.path.join(os.path.dirname(path), data)):
                if os.path.exists(name):
                    os.remove(name)  # onnx appends external data to an existing file
            if big:
                onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                                location=data, size_threshold=0)
            else:
                onnx.save_model(model, path)
            onnx.checker.check_model(path)  # by path: also resolves the external data
            return data if big else None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def component(rel, data, inputs, outputs, provider, tokenizer=None):
    """A manifest entry (ModelManifest.ComponentSpec) before its sha256 sums."""
    spec = {"file": rel, "provider": provider, "inputs": inputs, "outputs": outputs}
    if data:
        spec["dataFiles"] = [{"file": os.path.join(os.path.dirname(rel), data)}]
    if tokenizer:
        spec["tokenizer"] = tokenizer
    return spec


def write_manifest(out, model_id, description, constants, components):
    """sha256 of every named file, then manifest.json (ModelManifest, manifestVersion 1)."""
    for spec in components.values():
        spec["sha256"] = sha256(os.path.join(out, spec["file"]))
        for df in spec.get("dataFiles", []):
            df["sha256"] = sha256(os.path.join(out, df["file"]))
        if "tokenizer" in spec:
            spec["tokenizerSha256"] = sha256(os.path.join(out, spec["tokenizer"]))
    manifest = {"manifestVersion": 1, "id": model_id, "description": description, "constants": constants,
                "components": components}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    return manifest


# ---------------------------------------------------------------------------------------------------------
# Tokenizers.

T5_SPECIALS = {"tokens": ["<pad>", "</s>", "<unk>"], "pad": "<pad>", "unk": "<unk>", "bos": None, "eos": "</s>"}
CLIP_SPECIALS = {"tokens": ["<|startoftext|>", "<|endoftext|>", "<unk>"], "pad": "<|endoftext|>", "unk": "<unk>",
                 "bos": "<|startoftext|>", "eos": "<|endoftext|>"}  # pads with the end token, as FLUX's CLIP


def word_level_tokenizer(specials, words, max_length):
    """A Hugging Face tokenizer.json (WordLevel, lowercase, whitespace split, special tokens added by a
    template, fixed padding/truncation) that DJL's HuggingFaceTokenizer loads; ids: specials 0.., then words.
    For the self-test: the real export saves the repositories' own tokenizers."""
    ids = {t: i for i, t in enumerate(specials["tokens"])}
    for w in words:
        if w in ids:
            raise ValueError("word %r repeats or is a special token" % w)
        ids[w] = len(ids)

    def pieces(*seqs):
        out = []
        for s in seqs:
            if specials["bos"]:
                out.append({"SpecialToken": {"id": specials["bos"], "type_id": 0}})
            out.append({"Sequence": {"id": s, "type_id": 0}})
            out.append({"SpecialToken": {"id": specials["eos"], "type_id": 0}})
        return out

    marks = [t for t in (specials["bos"], specials["eos"]) if t]
    return {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": max_length, "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": {"Fixed": max_length}, "direction": "Right", "pad_to_multiple_of": None,
                    "pad_id": ids[specials["pad"]], "pad_type_id": 0, "pad_token": specials["pad"]},
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, t in enumerate(specials["tokens"])],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {"type": "TemplateProcessing", "single": pieces("A"), "pair": pieces("A", "B"),
                           "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in marks}},
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": ids, "unk_token": specials["unk"]},
    }


def write_json(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)


# ---------------------------------------------------------------------------------------------------------
# Graph wrappers: the contract's inputs and outputs around the Hugging Face modules.

class Transformer(torch.nn.Module):
    """FluxTransformer2DModel with the contract's inputs: timestep sigma in [0, 1], guidance raw."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, hidden_states, encoder_hidden_states, pooled_projections, timestep, img_ids, txt_ids, guidance):
        return self.model(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                          pooled_projections=pooled_projections, timestep=timestep, img_ids=img_ids,
                          txt_ids=txt_ids, guidance=guidance, return_dict=False)[0]


class VaeEncoder(torch.nn.Module):
    """Raw posterior mean and log-variance (module docstring: the worker scales the mean itself)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, images):
        posterior = self.vae.encode(images).latent_dist
        return posterior.mean, posterior.logvar


class VaeDecoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.vae.decode(latent, return_dict=False)[0]


class TokenIds(torch.nn.Module):
    """int32 input_ids (the worker's dtype) into a Hugging Face text encoder."""

    def __init__(self, model, pooled):
        super().__init__()
        self.model = model
        self.pooled = pooled

    def forward(self, input_ids):
        out = self.model(input_ids=input_ids.to(torch.int64))
        return out.pooler_output if self.pooled else out.last_hidden_state


class Siglip(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model(pixel_values=pixel_values).last_hidden_state  # after post_layernorm


class Redux(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, siglip_embeds):
        return self.model(siglip_embeds).image_embeds


# ---------------------------------------------------------------------------------------------------------
# One function per component, shared by the real export and the self-test: (exporter, loaded module, out dir,
# dtype, device, constants[, sample sizes]) -> manifest entry. Each casts the module to dtype itself.

def identity(names):
    return {n: n for n in names}


def export_transformer(exp, model, key, out, dtype, device, k, provider, n_img=1024):
    model = model.to(device=device, dtype=dtype).eval()
    tokens = (k["siglipImageSize"] // k["siglipPatchSize"]) ** 2
    n_txt = k["textLength"] + tokens  # one Redux reference; both sequence axes are dynamic
    channels = model.config.in_channels
    args = (torch.randn(1, n_img, channels, dtype=dtype, device=device),
            torch.randn(1, n_txt, k["textWidth"], dtype=dtype, device=device),
            torch.randn(1, k["pooledWidth"], dtype=dtype, device=device),
            torch.tensor([1.0], dtype=dtype, device=device),
            torch.zeros(n_img, 3, dtype=torch.float32, device=device),
            torch.zeros(n_txt, 3, dtype=torch.float32, device=device),
            torch.tensor([30.0], dtype=torch.float32, device=device))
    names = ["hidden_states", "encoder_hidden_states", "pooled_projections", "timestep", "img_ids", "txt_ids",
             "guidance"]
    # Text length dynamic: textLength T5 tokens + 729 per Redux reference (dim 1 of encoder_hidden_states,
    # dim 0 of txt_ids).
    axes = {"hidden_states": {0: "B", 1: "N_img"}, "encoder_hidden_states": {0: "B", 1: "L_txt"},
            "pooled_projections": {0: "B"}, "timestep": {0: "B"}, "img_ids": {0: "N_img"}, "txt_ids": {0: "L_txt"},
            "guidance": {0: "B"}, "latent": {0: "B", 1: "N_img"}}
    rel = key + "/model.onnx"
    data = exp.export(Transformer(model), args, os.path.join(out, rel), names, ["latent"], axes)
    return component(rel, data, identity(names), identity(["latent"]), provider)


def export_vae(exp, vae, out, dtype, device, k, size=512):
    vae = vae.to(device=device, dtype=dtype).eval()
    data = exp.export(VaeEncoder(vae), (torch.randn(1, 3, size, size, dtype=dtype, device=device),),
                      os.path.join(out, "vae_encoder/model.onnx"), ["images"], ["latent", "logvar"],
                      {"images": {0: "B", 2: "H", 3: "W"}, "latent": {0: "B", 2: "h", 3: "w"},
                       "logvar": {0: "B", 2: "h", 3: "w"}})
    enc = component("vae_encoder/model.onnx", data, identity(["images"]), identity(["latent", "logvar"]), "cuda")
    h = size // k["vaeScaleFactor"]
    data = exp.export(VaeDecoder(vae), (torch.randn(1, k["latentChannels"], h, h, dtype=dtype, device=device),),
                      os.path.join(out, "vae_decoder/model.onnx"), ["latent"], ["images"],
                      {"latent": {0: "B", 2: "h", 3: "w"}, "images": {0: "B", 2: "H", 3: "W"}})
    dec = component("vae_decoder/model.onnx", data, identity(["latent"]), identity(["images"]), "cuda")
    return enc, dec


def export_siglip(exp, model, out, dtype, device, k):
    model = model.to(device=device, dtype=dtype).eval()
    size = k["siglipImageSize"]
    data = exp.export(Siglip(model), (torch.randn(1, 3, size, size, dtype=dtype, device=device),),
                      os.path.join(out, "siglip/model.onnx"), ["pixel_values"], ["last_hidden_state"],
                      {"pixel_values": {0: "B"}, "last_hidden_state": {0: "B"}})
    return component("siglip/model.onnx", data, identity(["pixel_values"]), identity(["last_hidden_state"]), "cuda")


def export_redux(exp, model, out, dtype, device, k):
    model = model.to(device=device, dtype=dtype).eval()
    tokens = (k["siglipImageSize"] // k["siglipPatchSize"]) ** 2
    data = exp.export(Redux(model), (torch.randn(1, tokens, k["siglipWidth"], dtype=dtype, device=device),),
                      os.path.join(out, "redux/model.onnx"), ["siglip_embeds"], ["image_embeds"],
                      {"siglip_embeds": {0: "B"}, "image_embeds": {0: "B"}})
    return component("redux/model.onnx", data, identity(["siglip_embeds"]), identity(["image_embeds"]), "cuda")


def export_t5(exp, model, out, dtype, device, k, tokenizer_json):
    """tokenizer_json: writes t5/tokenizer.json given its path."""
    model = model.to(device=device, dtype=dtype).eval()
    data = exp.export(TokenIds(model, False), (torch.zeros(1, k["textLength"], dtype=torch.int32, device=device),),
                      os.path.join(out, "t5/model.onnx"), ["input_ids"], ["text_embeddings"],
                      {"input_ids": {0: "B"}, "text_embeddings": {0: "B"}})
    tokenizer_json(os.path.join(out, "t5/tokenizer.json"))
    # fp32 runs on the host's CPU (~19 GB of RAM); ONNX Runtime's CPU provider has no bf16 kernels, so a bf16
    # T5 (~9.5 GB) goes on the GPU beside the transformer (README "GPU memory plan").
    provider = "cpu" if dtype == torch.float32 else "cuda"
    return component("t5/model.onnx", data, identity(["input_ids"]), identity(["text_embeddings"]), provider,
                     "t5/tokenizer.json")


def export_clip(exp, model, out, dtype, device, k, tokenizer_json):
    model = model.to(device=device, dtype=dtype).eval()
    data = exp.export(TokenIds(model, True), (torch.zeros(1, k["clipLength"], dtype=torch.int32, device=device),),
                      os.path.join(out, "clip/model.onnx"), ["input_ids"], ["pooled_embeddings"],
                      {"input_ids": {0: "B"}, "pooled_embeddings": {0: "B"}})
    tokenizer_json(os.path.join(out, "clip/tokenizer.json"))
    return component("clip/model.onnx", data, identity(["input_ids"]), identity(["pooled_embeddings"]), "cpu",
                     "clip/tokenizer.json")


# ---------------------------------------------------------------------------------------------------------
# Real export.

def export_real(a):
    out, dev = a.out, a.device
    for p in {a.precision, a.vae_precision, a.t5_precision}:
        check_precision(DTYPES[p], dev)
    exp = Exporter()
    k = dict(FLUX1_CONSTANTS)
    FluxTransformer2DModel, AutoencoderKL, ReduxImageEncoder = import_diffusers()
    from transformers import CLIPTextModel, CLIPTokenizerFast, SiglipVisionModel, T5EncoderModel, T5TokenizerFast

    def free():
        """After `del`: the next checkpoint needs the memory (a transformer alone is ~24 GB in bf16)."""
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    comps = {}
    dtype = DTYPES[a.precision]
    repos = [("fill_transformer", FLUX_FILL)] + ([("dev_transformer", FLUX_DEV)] if a.dev else [])
    for key, repo in repos:
        model = FluxTransformer2DModel.from_pretrained(repo, subfolder="transformer", torch_dtype=dtype)
        comps[key] = export_transformer(exp, model, key, out, dtype, dev, k, a.gpu_provider)
        del model
        free()

    vae = AutoencoderKL.from_pretrained(FLUX_FILL, subfolder="vae", torch_dtype=DTYPES[a.vae_precision])
    comps["vae_encoder"], comps["vae_decoder"] = export_vae(exp, vae, out, DTYPES[a.vae_precision], dev, k)
    del vae
    free()

    siglip = SiglipVisionModel.from_pretrained(SIGLIP, torch_dtype=torch.float32)
    comps["siglip"] = export_siglip(exp, siglip, out, torch.float32, dev, k)
    del siglip
    free()

    redux = ReduxImageEncoder.from_pretrained(FLUX_REDUX, subfolder="image_embedder", torch_dtype=torch.float32)
    comps["redux"] = export_redux(exp, redux, out, torch.float32, dev, k)
    del redux
    free()

    tdt = DTYPES[a.t5_precision]
    t5 = T5EncoderModel.from_pretrained(FLUX_DEV, subfolder="text_encoder_2", torch_dtype=tdt)
    comps["t5"] = export_t5(exp, t5, out, tdt, dev, k, lambda path: T5TokenizerFast.from_pretrained(
        FLUX_DEV, subfolder="tokenizer_2").backend_tokenizer.save(path))
    del t5
    free()

    clip = CLIPTextModel.from_pretrained(FLUX_DEV, subfolder="text_encoder", torch_dtype=torch.float32)
    comps["clip"] = export_clip(exp, clip, out, torch.float32, dev, k, lambda path: CLIPTokenizerFast.from_pretrained(
        FLUX_DEV, subfolder="tokenizer").backend_tokenizer.save(path))
    del clip
    free()

    write_manifest(out, "flux1-redux-fill-" + a.precision + ("-dev" if a.dev else ""),
                   "FLUX.1 Fill [dev] + Redux [dev] (+ FLUX.1 [dev]) exported by scripts/export/export_flux.py "
                   "(opset %d, torch %s). FLUX.1 [dev] licence: non-commercial." % (exp.opset, torch.__version__),
                   k, comps)
    print("wrote", os.path.join(out, "manifest.json"))


# ---------------------------------------------------------------------------------------------------------
# Self-test: tiny random configurations, the same export functions, then the worker's `models check`.

# Small enough to export in seconds; keeps the ratios the contract fixes (vaeScaleFactor 8, so Fill's mask
# channels stay 8*8*4 = 256; 4 latent channels, so packed latents have 16).
TINY_CONSTANTS = {"latentChannels": 4, "scalingFactor": 0.3611, "shiftFactor": 0.1159, "vaeScaleFactor": 8,
                  "textLength": 16, "textWidth": 32, "pooledWidth": 16, "clipLength": 8,
                  "siglipImageSize": 32, "siglipPatchSize": 8, "siglipWidth": 24}
TINY_WORDS = ["a", "photo", "of", "the", "cat", "dog", "red", "blue", "on", "grass", ",", "."]


def self_test_models(k):
    """Random-weight modules of every component, with the real ones' architecture at toy sizes."""
    FluxTransformer2DModel, AutoencoderKL, ReduxImageEncoder = import_diffusers()
    from transformers import (CLIPTextConfig, CLIPTextModel, SiglipVisionConfig, SiglipVisionModel, T5Config,
                              T5EncoderModel)

    torch.manual_seed(0)
    packed = 4 * k["latentChannels"]
    flux = dict(patch_size=1, num_layers=1, num_single_layers=1, attention_head_dim=16, num_attention_heads=2,
                joint_attention_dim=k["textWidth"], pooled_projection_dim=k["pooledWidth"], guidance_embeds=True,
                axes_dims_rope=(4, 6, 6))
    blocks = int(math.log2(k["vaeScaleFactor"])) + 1
    vocab = len(T5_SPECIALS["tokens"]) + len(TINY_WORDS)
    return {
        "fill_transformer": FluxTransformer2DModel(in_channels=2 * packed + FILL_MASK_CHANNELS, out_channels=packed,
                                                   **flux),
        "dev_transformer": FluxTransformer2DModel(in_channels=packed, **flux),
        "vae": AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * blocks,
                             up_block_types=("UpDecoderBlock2D",) * blocks, block_out_channels=(8,) * blocks,
                             layers_per_block=1, latent_channels=k["latentChannels"], norm_num_groups=4,
                             scaling_factor=k["scalingFactor"], shift_factor=k["shiftFactor"],
                             use_quant_conv=False, use_post_quant_conv=False),
        "siglip": SiglipVisionModel(SiglipVisionConfig(
            hidden_size=k["siglipWidth"], intermediate_size=48, num_hidden_layers=1, num_attention_heads=2,
            image_size=k["siglipImageSize"], patch_size=k["siglipPatchSize"])),
        "redux": ReduxImageEncoder(redux_dim=k["siglipWidth"], txt_in_features=k["textWidth"]),
        "t5": T5EncoderModel(T5Config(vocab_size=vocab, d_model=k["textWidth"], d_kv=8, d_ff=64, num_layers=1,
                                      num_heads=4, feed_forward_proj="gated-gelu", relative_attention_num_buckets=8,
                                      relative_attention_max_distance=16)),
        "clip": CLIPTextModel(CLIPTextConfig(
            vocab_size=vocab, hidden_size=k["pooledWidth"], intermediate_size=32, num_hidden_layers=1,
            num_attention_heads=2, max_position_embeddings=k["clipLength"], pad_token_id=1, bos_token_id=0,
            eos_token_id=1)),
    }


def versions(exp):
    import onnx

    v = {"python": sys.version.split()[0], "torch": torch.__version__, "onnx": onnx.__version__,
         "opset": exp.opset, "exporter_keywords": exp.keywords,
         "layer_norm_workaround": exp.layer_norm_workaround,
         "valid_padding_convs_rewritten": exp.conv_padding_workarounds,
         "sdpa_polyfill": torch.nn.functional.scaled_dot_product_attention is _sdpa_math}
    for name in ("diffusers", "transformers"):
        mod = sys.modules.get(name)
        v[name] = getattr(mod, "__version__", None)
        v[name + "_path"] = os.path.dirname(mod.__file__) if mod else None
    return v


def self_test(out, jar, dtype=torch.float32, device="cpu", check=True):
    check_precision(dtype, device)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    k = dict(TINY_CONSTANTS)
    exp = Exporter()
    models = self_test_models(k)
    comps = {}
    for key in ("fill_transformer", "dev_transformer"):
        comps[key] = export_transformer(exp, models[key], key, out, dtype, device, k, "cpu", n_img=16)
    comps["vae_encoder"], comps["vae_decoder"] = export_vae(exp, models["vae"], out, dtype, device, k, size=64)
    comps["siglip"] = export_siglip(exp, models["siglip"], out, dtype, device, k)
    comps["redux"] = export_redux(exp, models["redux"], out, dtype, device, k)
    comps["t5"] = export_t5(exp, models["t5"], out, dtype, device, k, lambda p: write_json(
        word_level_tokenizer(T5_SPECIALS, TINY_WORDS, k["textLength"]), p))
    comps["clip"] = export_clip(exp, models["clip"], out, dtype, device, k, lambda p: write_json(
        word_level_tokenizer(CLIP_SPECIALS, TINY_WORDS, k["clipLength"]), p))
    for spec in comps.values():
        spec["provider"] = "cpu"  # checked on this machine's CPU provider
    v = versions(exp)
    write_manifest(out, "export-self-test", "Tiny random FLUX.1-architecture models from export_flux.py --self-test "
                   "(not usable weights): " + json.dumps(v, sort_keys=True), k, comps)
    print("exported", sorted(comps), "to", out, "with", json.dumps(v, sort_keys=True))
    if check:
        worker(jar, "models", "check", "--models", out)
        # Beyond the contract check: one composite job through every graph and both tokenizers (DJL), on
        # the worker's CPU provider. Random weights, so the image itself means nothing.
        samples = os.path.join(REPO_ROOT, "samples")
        worker(jar, "run", "--models", out, "--mode", "composite", "--steps", "2", "--prompt", "a red cat on the grass",
               "--reference", os.path.join(samples, "reference.png"), "--target", os.path.join(samples, "target.png"),
               "--mask", os.path.join(samples, "mask.png"), "--out", os.path.join(out + "-run", "out.png"))


def worker(jar, *args):
    """Runs the worker's CLI; fails the self-test on a non-zero exit."""
    if not os.path.isfile(jar):
        raise SystemExit("%s is missing: run `mvn -B -ntp -o package -DskipTests` first" % jar)
    env = dict(os.environ)
    env.setdefault("STYLIZE_CACHE_DIR", os.path.join(REPO_ROOT, "target", "cache"))
    env.setdefault("DJL_OFFLINE", "true")
    cmd = ["java", "-jar", jar] + list(args)
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, check=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="model directory to write (real export)")
    p.add_argument("--self-test", metavar="OUT", help="export tiny random models of every component to OUT and "
                   "run `models check` on them (no weights, no network)")
    p.add_argument("--jar", default=os.path.join(REPO_ROOT, "target", "quarkus-app", "quarkus-run.jar"),
                   help="worker jar for the self-test's `models check`")
    p.add_argument("--no-check", action="store_true", help="self-test: export only")
    p.add_argument("--dev", action="store_true", help="also export FLUX.1 [dev] (64 channels) for restyle/variation")
    p.add_argument("--precision", choices=DTYPES, help="transformers (default bf16, for CUDA/TensorRT); "
                   "self-test: every component (default fp32, for the CPU provider)")
    p.add_argument("--vae-precision", choices=DTYPES, default="fp32")
    p.add_argument("--t5-precision", choices=["fp32", "bf16"], default="fp32",
                   help="fp32: T5 on the CPU provider (manifest provider cpu); bf16: on the GPU (cuda), half the "
                   "memory; fp16 overflows in T5 and is not offered")
    p.add_argument("--gpu-provider", choices=["cuda", "tensorrt"], default="cuda",
                   help="manifest provider of the transformers (tensorrt: engines cached in STYLIZE_TENSORRT_CACHE)")
    p.add_argument("--device", default=None, help="default: cuda if available (self-test: cpu)")
    a = p.parse_args(argv)
    if bool(a.out) == bool(a.self_test):
        p.error("give exactly one of --out and --self-test")
    if a.self_test:
        self_test(a.self_test, a.jar, DTYPES[a.precision or "fp32"], a.device or "cpu", check=not a.no_check)
    else:
        a.precision = a.precision or "bf16"
        a.device = a.device or ("cuda" if torch.cuda.is_available() else "cpu")
        export_real(a)


if __name__ == "__main__":
    main()
