# Voilà configuration for presenting the notebooks as live slide decks
# (`make slides NB=05`, or the Voilà button inside `make lab`).
#
# Voilà reads a file named `voila.py` (not `voila_config.py`) from the folder it
# is started in: the Makefile starts both `voila` and `jupyter lab` from the
# repository's top folder, so this file is found in both cases.
#
# Every page load starts a fresh kernel and runs every cell of the notebook,
# `skip` slides included (their output is simply not shown), so the imports
# cells run; the notebook file itself is only read, never written.
c = get_config()  # noqa: F821 (provided by traitlets when the file is loaded)

# The reveal.js slide template that ships with Voilà 0.5, through the course's
# thin copy share/jupyter/voila/templates/course-reveal (its Font Awesome style
# sheets come from node_modules instead of a CDN; the Makefile puts the folder on
# JUPYTER_PATH). No code shown, outputs and widgets only (a lecturer shows code in
# JupyterLab).
c.VoilaConfiguration.template = "course-reveal"
c.VoilaConfiguration.strip_sources = True

# No CDN at run time: Voilà's reveal template loads reveal.js's style sheets from
# `url_prefix` and jQuery from `jquery_url`; both come from the npm packages
# `npm ci` installs into node_modules/ (package.json), served by Voilà's own
# file handler at /voila/files/ (paths relative to the top folder). The paths
# are absolute, so they hold for the standalone server (`make slides`) and for
# JupyterLab's /voila/render/ pages alike (both at base URL "/").
c.VoilaConfiguration.resources = {
    "reveal": {
        "url_prefix": "/voila/files/node_modules/reveal.js",
        "theme": "white",
        "transition": "none",
        # The canvas every slide is laid out on (16:9: 1280x720 and 1920x1080 screens show it
        # whole); course-deck.js scales a slide that is taller or wider down to fit, so no
        # slide scrolls (reveal's "scroll" made tall slides scroll, hiding their bottom).
        "scroll": False,
        "width": 1280,
        "height": 720,
    }
}
c.HTMLExporter.jquery_url = "/voila/files/node_modules/jquery/dist/jquery.min.js"
c.VoilaConfiguration.file_allowlist = [
    r".*\.(png|jpg|gif|svg)",
    r"node_modules/reveal\.js/(dist|plugin)/.*\.(css|js|woff2?|ttf|eot|svg)",
    r"node_modules/jquery/dist/jquery\.min\.js",
    r"node_modules/@fortawesome/fontawesome-free/(css|webfonts)/.*\.(css|woff2?|ttf|eot|svg)",
]
# Voilà loads every installed JupyterLab extension into the page; those made for
# JupyterLab's own UI then fail there ("Shared module @jupyterlab/filebrowser
# doesn't exist in shared scope"). The widget manager and MathJax stay on.
# (An allowlist of just those two leaves the widgets unrendered: Voilà's widget
# registry comes from its own plugins, which an allowlist switches off too.)
c.VoilaConfiguration.extension_denylist = [
    "@jupyter/nbgrader",
    "jupyterlab-rise",
    "@jupyter-notebook/lab-extension",
    "@voila-dashboards/jupyterlab-preview",
]
# A cell that fails shows its traceback on the slide (not only "There was an error").
c.VoilaConfiguration.show_tracebacks = True
