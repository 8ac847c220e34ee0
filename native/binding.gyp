{
  "targets": [
    {
      "target_name": "plasticity_kernels",
      "sources": ["addon.cc", "conv2d.cc", "sweeps-binding.cc", "trace-sweeps.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-ffp-contract=off", "-Wno-psabi"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-ffp-contract=off"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
