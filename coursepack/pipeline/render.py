"""Render: a Job -> its complete HTML document, through the one Jinja environment
of the build (coursepack/render.py holds the environment and the template context)."""
from __future__ import annotations

import jinja2

from ..project import Project
from ..render import render_pack
from .plan import Job


def render_html(env: jinja2.Environment, project: Project, job: Job) -> str:
    """The HTML that prints `job`. Raises CoursepackError for a mistake in a template."""
    return render_pack(env, project, job.pack, job.edition, template=job.template, student=job.student,
                       side=job.side, students=job.students, part=job.part, front_pages=job.front_pages)
