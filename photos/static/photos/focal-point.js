// Click on the photo to set its focal point (the fields hold 0..1 from the top left).
document.addEventListener("click", (event) => {
  const picture = event.target.closest("[data-focal-picker]");
  if (!picture) return;
  const box = picture.getBoundingClientRect();
  const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
  const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
  document.getElementById("id_focal_x").value = x.toFixed(3);
  document.getElementById("id_focal_y").value = y.toFixed(3);
  let marker = picture.parentElement.querySelector(".focal-marker");
  if (!marker) {
    marker = document.createElement("span");
    marker.className = "focal-marker";
    marker.style.cssText = "position:absolute;width:16px;height:16px;margin:-8px 0 0 -8px;" +
      "border:3px solid #fff;border-radius:50%;box-shadow:0 0 0 2px #000;pointer-events:none";
    picture.parentElement.appendChild(marker);
  }
  marker.style.left = `${x * 100}%`;
  marker.style.top = `${y * 100}%`;
});
