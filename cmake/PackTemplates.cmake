# Packs the templates/ folder into one file that sbfn_embed links into the binary, so
# `sbfn new` works from any directory. Run at build time:
#   cmake -DSOURCE=<templates dir> -DOUTPUT=<pack file> -P PackTemplates.cmake
# Format (read by src/project/templates.cpp): for every file, sorted by path,
#   <path relative to SOURCE>\n<size in bytes>\n<the bytes>
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${SOURCE}" "${SOURCE}/*")
list(SORT files)
file(WRITE "${OUTPUT}.tmp" "")
foreach(file IN LISTS files)
  file(SIZE "${SOURCE}/${file}" size)
  file(READ "${SOURCE}/${file}" content)
  file(APPEND "${OUTPUT}.tmp" "${file}\n${size}\n${content}")
endforeach()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
