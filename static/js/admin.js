/* Brugwerk's fixes to the admin's own scripts (loaded by templates/admin/base_site.html).

   SelectFilter2.js (the filter_horizontal pickers) puts a <span aria-label="Type into this box
   to filter down the list of ..."> in each filter box's label. A span has no role that may carry
   a name (axe: aria-prohibited-attr), so screen readers drop it; as an image with that name it
   is read, and names the filter box too. */
"use strict";
{
    const nameFilterIcons = () => {
        for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
            icon.setAttribute("role", "img");
        }
    };
    // SelectFilter2 builds the pickers on the window's load event. This script is deferred, so
    // its listener comes after SelectFilter2's (a plain script in the head) and runs after it.
    window.addEventListener("load", nameFilterIcons);
}
