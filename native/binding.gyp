{
  "targets": [
    {
      "target_name": "plasticity_kernels",
      "sources": ["addon.cc", "conv2d.cc", "conv2d-avx512.cc", "parallel.cc", "sweeps-binding.cc", "trace-sweeps.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-ffp-contract=off", "-Wno-psabi", "-pthread"],
      "ldflags": ["-pthread"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-ffp-contract=off"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
