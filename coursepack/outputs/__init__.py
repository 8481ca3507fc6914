"""What a build turns HTML into: `pdf` prints it (the only module that imports
WeasyPrint), `stitch` puts printed PDFs together with pypdf. A new kind of
output (a booklet imposed for folding, say) is a module here, called from the
pipeline's post-processing step (pipeline/produce.py, `finish`)."""
