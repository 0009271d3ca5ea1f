#!/usr/bin/env python3
"""Export FLUX.1 Redux + Fill (and optionally FLUX.1 [dev]) to ONNX in the layout stylize-worker loads.

UNVERIFIED: written without PyTorch or the weights at hand; read it, run it on a machine with a large
GPU (or ~200 GB of RAM) and check the result with `models check --models OUT`.

    pip install -r scripts/export/requirements.txt
    huggingface-cli login        # FLUX.1 [dev] family repos are gated (non-commercial licence)
    python scripts/export/export_flux.py --out /data/flux1-redux-fill [--dev] [--precision bf16]
    java -jar target/quarkus-app/quarkus-run.jar models check --models /data/flux1-redux-fill
    java -jar target/quarkus-app/quarkus-run.jar models push --from /data/flux1-redux-fill \
        --to s3://stylize-models/flux1-redux-fill/v1

Tensor names are the manifest's roles (src/main/java/dev/stylize/runtime/Component.java, pipeline spec
§11): the manifest maps each role to the same name. Graphs over 2 GB keep their weights in one external
data file next to model.onnx (listed in the manifest with its own sha256).
"""
import argparse
import hashlib
import json
import os
import shutil
import tempfile

import torch

FLUX_DEV = "black-forest-labs/FLUX.1-dev"
FLUX_FILL = "black-forest-labs/FLUX.1-Fill-dev"
FLUX_REDUX = "black-forest-labs/FLUX.1-Redux-dev"
SIGLIP = "google/siglip-so400m-patch14-384"
OPSET = 18
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            h.update(block)
    return h.hexdigest()


def export(module, args, path, inputs, outputs, dynamic_axes):
    """torch.onnx.export (TorchScript exporter) into a scratch dir, then one model.onnx (+ one data file > 2 GB)."""
    import onnx

    os.makedirs(os.path.dirname(path), exist_ok=True)
    scratch = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=".export-")
    try:
        tmp = os.path.join(scratch, "model.onnx")
        with torch.inference_mode():
            torch.onnx.export(module, args, tmp, input_names=inputs, output_names=outputs,
                              dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True, dynamo=False)
        model = onnx.load(tmp, load_external_data=True)
        big = sum(t.ByteSize() for t in model.graph.initializer) > (2 << 30) - (64 << 20)
        data = os.path.basename(path) + "_data" if big else None
        if big:
            onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data)
        else:
            onnx.save_model(model, path)
        return data
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class Transformer(torch.nn.Module):
    """FluxTransformer2DModel with the contract's inputs: timestep sigma in [0, 1], guidance raw."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, hidden_states, encoder_hidden_states, pooled_projections, timestep, img_ids, txt_ids, guidance):
        return self.model(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                          pooled_projections=pooled_projections, timestep=timestep, img_ids=img_ids,
                          txt_ids=txt_ids, guidance=guidance, return_dict=False)[0]


def export_transformer(repo, channels, out, dtype, device):
    from diffusers import FluxTransformer2DModel

    model = FluxTransformer2DModel.from_pretrained(repo, subfolder="transformer", torch_dtype=dtype).to(device).eval()
    n_img, n_txt = 1024, 512 + 729  # sample sizes; both axes are dynamic
    args = (torch.randn(1, n_img, channels, dtype=dtype, device=device),
            torch.randn(1, n_txt, 4096, dtype=dtype, device=device),
            torch.randn(1, 768, dtype=dtype, device=device),
            torch.tensor([1.0], dtype=dtype, device=device),
            torch.zeros(n_img, 3, dtype=torch.float32, device=device),
            torch.zeros(n_txt, 3, dtype=torch.float32, device=device),
            torch.tensor([30.0], dtype=torch.float32, device=device))
    names = ["hidden_states", "encoder_hidden_states", "pooled_projections", "timestep", "img_ids", "txt_ids",
             "guidance"]
    # Text length dynamic: 512 T5 tokens + 729 per Redux reference (dim 1 of encoder_hidden_states, dim 0 of txt_ids).
    axes = {"hidden_states": {0: "B", 1: "N_img"}, "encoder_hidden_states": {0: "B", 1: "L_txt"},
            "pooled_projections": {0: "B"}, "timestep": {0: "B"}, "img_ids": {0: "N_img"}, "txt_ids": {0: "L_txt"},
            "guidance": {0: "B"}, "latent": {0: "B", 1: "N_img"}}
    data = export(Transformer(model), args, out, names, ["latent"], axes)
    del model
    torch.cuda.empty_cache()
    return data, {n: n for n in names}, {"latent": "latent"}


class VaeEncoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, images):
        return self.vae.encode(images).latent_dist.mean  # the mean: deterministic (spec §11.2)


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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--dev", action="store_true", help="also export FLUX.1 [dev] (64 channels) for restyle/variation")
    p.add_argument("--precision", choices=DTYPES, default="bf16", help="transformers (CUDA/TensorRT: bf16)")
    p.add_argument("--vae-precision", choices=DTYPES, default="fp32")
    p.add_argument("--t5-precision", choices=DTYPES, default="fp32", help="fp32 for the CPU provider")
    p.add_argument("--gpu-provider", choices=["cuda", "tensorrt"], default="cuda",
                   help="manifest provider of the transformers (tensorrt: engines cached in STYLIZE_TENSORRT_CACHE)")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = p.parse_args()
    out, dev = a.out, a.device
    comps = {}

    def add(key, rel, data, inputs, outputs, provider, tokenizer=None):
        spec = {"file": rel, "provider": provider, "inputs": inputs, "outputs": outputs}
        if data:
            spec["dataFiles"] = [{"file": os.path.join(os.path.dirname(rel), data)}]
        if tokenizer:
            spec["tokenizer"] = tokenizer
        comps[key] = spec

    d = export_transformer(FLUX_FILL, 384, os.path.join(out, "fill_transformer/model.onnx"), DTYPES[a.precision], dev)
    add("fill_transformer", "fill_transformer/model.onnx", d[0], d[1], d[2], a.gpu_provider)
    if a.dev:
        d = export_transformer(FLUX_DEV, 64, os.path.join(out, "dev_transformer/model.onnx"), DTYPES[a.precision], dev)
        add("dev_transformer", "dev_transformer/model.onnx", d[0], d[1], d[2], a.gpu_provider)

    from diffusers import AutoencoderKL

    vdt = DTYPES[a.vae_precision]
    vae = AutoencoderKL.from_pretrained(FLUX_FILL, subfolder="vae", torch_dtype=vdt).to(dev).eval()
    data = export(VaeEncoder(vae), (torch.randn(1, 3, 512, 512, dtype=vdt, device=dev),),
                  os.path.join(out, "vae_encoder/model.onnx"), ["images"], ["latent"],
                  {"images": {0: "B", 2: "H", 3: "W"}, "latent": {0: "B", 2: "h", 3: "w"}})
    add("vae_encoder", "vae_encoder/model.onnx", data, {"images": "images"}, {"latent": "latent"}, "cuda")
    data = export(VaeDecoder(vae), (torch.randn(1, 16, 64, 64, dtype=vdt, device=dev),),
                  os.path.join(out, "vae_decoder/model.onnx"), ["latent"], ["images"],
                  {"latent": {0: "B", 2: "h", 3: "w"}, "images": {0: "B", 2: "H", 3: "W"}})
    add("vae_decoder", "vae_decoder/model.onnx", data, {"latent": "latent"}, {"images": "images"}, "cuda")
    del vae

    from transformers import SiglipVisionModel

    siglip = SiglipVisionModel.from_pretrained(SIGLIP, torch_dtype=torch.float32).to(dev).eval()
    data = export(Siglip(siglip), (torch.randn(1, 3, 384, 384, device=dev),), os.path.join(out, "siglip/model.onnx"),
                  ["pixel_values"], ["last_hidden_state"], {"pixel_values": {0: "B"}, "last_hidden_state": {0: "B"}})
    add("siglip", "siglip/model.onnx", data, {"pixel_values": "pixel_values"},
        {"last_hidden_state": "last_hidden_state"}, "cuda")
    del siglip

    from diffusers.pipelines.flux.modeling_flux import ReduxImageEncoder

    redux = ReduxImageEncoder.from_pretrained(FLUX_REDUX, subfolder="image_embedder",
                                              torch_dtype=torch.float32).to(dev).eval()
    data = export(Redux(redux), (torch.randn(1, 729, 1152, device=dev),), os.path.join(out, "redux/model.onnx"),
                  ["siglip_embeds"], ["image_embeds"], {"siglip_embeds": {0: "B"}, "image_embeds": {0: "B"}})
    add("redux", "redux/model.onnx", data, {"siglip_embeds": "siglip_embeds"}, {"image_embeds": "image_embeds"}, "cuda")
    del redux

    from transformers import CLIPTextModel, CLIPTokenizerFast, T5EncoderModel, T5TokenizerFast

    tdt = DTYPES[a.t5_precision]
    t5 = T5EncoderModel.from_pretrained(FLUX_DEV, subfolder="text_encoder_2", torch_dtype=tdt).to(dev).eval()
    data = export(TokenIds(t5, False), (torch.zeros(1, 512, dtype=torch.int32, device=dev),),
                  os.path.join(out, "t5/model.onnx"), ["input_ids"], ["text_embeddings"],
                  {"input_ids": {0: "B"}, "text_embeddings": {0: "B"}})
    T5TokenizerFast.from_pretrained(FLUX_DEV, subfolder="tokenizer_2").backend_tokenizer.save(
        os.path.join(out, "t5/tokenizer.json"))
    add("t5", "t5/model.onnx", data, {"input_ids": "input_ids"}, {"text_embeddings": "text_embeddings"}, "cpu",
        "t5/tokenizer.json")
    del t5

    clip = CLIPTextModel.from_pretrained(FLUX_DEV, subfolder="text_encoder", torch_dtype=torch.float32).to(dev).eval()
    data = export(TokenIds(clip, True), (torch.zeros(1, 77, dtype=torch.int32, device=dev),),
                  os.path.join(out, "clip/model.onnx"), ["input_ids"], ["pooled_embeddings"],
                  {"input_ids": {0: "B"}, "pooled_embeddings": {0: "B"}})
    CLIPTokenizerFast.from_pretrained(FLUX_DEV, subfolder="tokenizer").backend_tokenizer.save(
        os.path.join(out, "clip/tokenizer.json"))
    add("clip", "clip/model.onnx", data, {"input_ids": "input_ids"}, {"pooled_embeddings": "pooled_embeddings"},
        "cpu", "clip/tokenizer.json")
    del clip

    # sha256 of every file, then the manifest (ModelManifest, manifestVersion 1).
    for spec in comps.values():
        spec["sha256"] = sha256(os.path.join(out, spec["file"]))
        for df in spec.get("dataFiles", []):
            df["sha256"] = sha256(os.path.join(out, df["file"]))
        if "tokenizer" in spec:
            spec["tokenizerSha256"] = sha256(os.path.join(out, spec["tokenizer"]))
    manifest = {
        "manifestVersion": 1,
        "id": "flux1-redux-fill-" + a.precision + ("-dev" if a.dev else ""),
        "description": "FLUX.1 Fill [dev] + Redux [dev] (+ FLUX.1 [dev]) exported by scripts/export/export_flux.py. "
                       "FLUX.1 [dev] licence: non-commercial.",
        "constants": {"latentChannels": 16, "scalingFactor": 0.3611, "shiftFactor": 0.1159, "vaeScaleFactor": 8,
                      "textLength": 512, "textWidth": 4096, "pooledWidth": 768, "clipLength": 77,
                      "siglipImageSize": 384, "siglipPatchSize": 14, "siglipWidth": 1152},
        "components": comps,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print("wrote", os.path.join(out, "manifest.json"))


if __name__ == "__main__":
    main()
