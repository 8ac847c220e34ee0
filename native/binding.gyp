{
  "targets": [
    {
      "target_name": "plasticity_kernels",
      "sources": ["addon.cc", "conv2d.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
